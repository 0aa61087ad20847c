using AuditPortal.Configuration;
using AuditPortal.EventBatches;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Demo;
using AuditPortal.Features.Events;
using AuditPortal.Features.Health;
using AuditPortal.Features.Ingestion;
using AuditPortal.Features.Integrity;
using AuditPortal.Features.Prompts;
using AuditPortal.Features.Retention;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger;
using AuditPortal.Ledger.Checkpoints;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using AuditPortal.Redaction;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuditPortal;

/// <summary>How the portal is put together; Program.cs reads as the list of these steps.</summary>
public static class PortalComposition
{
    /// <summary>Services every verb and the web host share: the ledger and its single writer.</summary>
    public static IServiceCollection AddLedgerWriting(this IServiceCollection services, IConfiguration configuration, string settingsFolder,
        bool backgroundCheckpoints = false)
    {
        services.AddLedger(configuration, settingsFolder, backgroundCheckpoints);
        // Registered before the writer and the checkpointer so that it stops after them: its final
        // TRUNCATE checkpoint then sees their last writes.
        services.AddSingleton<AppendGate>();
        if (backgroundCheckpoints) services.AddHostedService<SqliteCheckpointService>();
        services.AddSingleton<CheckpointSignal>();
        services.AddSingleton<SearchIndexSignal>();
        services.AddSingleton<AnchoringStatus>();
        services.AddSingleton<CheckpointPublisher>();
        services.AddPromptRules();
        services.AddSingleton<IAppendRule, RetentionAppendRule>();
        services.AddSingleton<LedgerWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddHostedService<Checkpointer>();
        services.AddRedaction(settingsFolder);
        services.AddSingleton<EventBatchParser>();
        services.AddSingleton<PortalEventRecorder>();
        services.AddSingleton<AccessRecorder>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<RetentionService>();
        services.AddSingleton<RetentionCandidates>();
        services.AddSingleton<RetentionEnforcer>();
        services.AddSingleton<RetentionDryRun>();
        services.AddSingleton<RetentionHistory>();
        services.AddSingleton<DemoData>();
        return services;
    }

    public static WebApplicationBuilder AddAuditPortal(this WebApplicationBuilder builder)
    {
        var settingsFolder = PortalConfiguration.AddSettingsFiles(builder.Configuration, builder.Environment.ContentRootPath, builder.Environment.EnvironmentName);
        builder.Services.AddLedgerWriting(builder.Configuration, settingsFolder, backgroundCheckpoints: true);
        builder.Services.AddLedgerReading();
        // The web host follows the log with the text search index; CLI verbs leave it to the portal
        // (seed-demo catches up itself before it exits).
        builder.Services.AddHostedService<SearchIndexService>();

        builder.Services.AddHostedService<RetentionSchedule>();

        if (builder.Environment.IsDevelopment() && builder.Configuration.GetValue("AuditPortal:Demo:LoadOnFirstRun", true))
            builder.Services.AddHostedService<DemoSeeder>();

        builder.Services.AddSingleton<IValidateOptions<PortalOptions>, AuthenticationOptionsValidator>();
        builder.Services.AddHealthChecks().AddLedgerHealthChecks().AddIntegrityHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddOpenApi("v1");
        builder.Services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.IngestPolicy, p => p.AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
                .RequireClaim(ApiKeyDefaults.ScopeClaim, Data.Ledger.Model.ApiKeyScopes.Ingest))
            .AddPolicy(ApiKeyDefaults.ReadPolicy, p => p.AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
                .RequireClaim(ApiKeyDefaults.ScopeClaim, Data.Ledger.Model.ApiKeyScopes.Read));
        return builder;
    }

    /// <summary>Validates the settings, migrates and loads the signing key, before anything is served.</summary>
    public static Task PrepareLedgerAsync(this WebApplication app) =>
        app.Services.GetRequiredService<LedgerStartup>().PrepareAsync(app.Lifetime.ApplicationStopping);

    public static WebApplication MapAuditPortal(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapIngestionApi();
        app.MapEventsApi();
        app.MapIntegrityApi();
        app.MapHealthEndpoints();
        return app;
    }
}
