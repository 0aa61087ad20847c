using AuditPortal;
using AuditPortal.Cli;
using AuditPortal.Components;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger;

if (PortalCommandLine.IsVerb(args)) return await PortalCommandLine.RunAsync(args);

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAuditPortal();
    builder.AddPortalDashboard();

    var app = builder.Build();
    await app.PrepareLedgerAsync();
    app.UsePortalSecurityHeaders();
    app.MapAuditPortal();
    app.MapPortalDashboard();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusal.InOwnProcess(e) is { } refusal)
{
    return StartupRefusal.Report(refusal);
}

/// <summary>Marker for WebApplicationFactory (every web project's Program is public in .NET 10).</summary>
public sealed class AuditPortalEntryPoint;
