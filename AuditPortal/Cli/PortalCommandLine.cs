using AuditPortal.Configuration;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Demo;
using AuditPortal.Features.Evidence;
using AuditPortal.Features.Integrity;
using AuditPortal.Ledger;

namespace AuditPortal.Cli;

/// <summary>
/// The verbs of DESIGN.md §5. They read the same configuration as the web host. Only the API key
/// goes to standard output; every message goes to standard error, so KEY=$(… apikey create …) works.
/// Exit codes: 0 success (verify: intact), 1 tampering found, 2 could not run.
/// </summary>
public static class PortalCommandLine
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "migrate", "apikey", "verify", "verify-pack", "evidence", "seed-demo", "help", "--help" };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new CommandArguments(args.Skip(1));
        try
        {
            return args[0] switch
            {
                "migrate" => await WithHostAsync(args, start: false, async (services, ct) =>
                {
                    await services.GetRequiredService<LedgerStartup>().PrepareAsync(ct);
                    Console.Error.WriteLine("Migrations applied; the ledger is ready.");
                    return 0;
                }),
                "apikey" => await ApiKeyAsync(args, arguments),
                "verify" => await WithHostAsync(args, start: false, (services, ct) => VerifyCommand.RunAsync(services, arguments, ct)),
                // Offline: no configuration, database or host.
                "verify-pack" => VerifyPackCommand.Run(arguments),
                "evidence" => await EvidenceAsync(args, arguments),
                "seed-demo" => await SeedDemoAsync(args, arguments),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (StartupRefusal.Describe(e) is { } refusal)
        {
            return StartupRefusal.Report(refusal);
        }
    }

    private static Task<int> ApiKeyAsync(string[] args, CommandArguments arguments) => arguments.Positionals switch
    {
        ["create"] when !arguments.Unknown("name", "scope").Any() => CreateApiKeyAsync(args, arguments),
        ["list"] when !arguments.Unknown().Any() => ListApiKeysAsync(args),
        ["revoke"] when !arguments.Unknown("name").Any() => RevokeApiKeyAsync(args, arguments),
        _ => Task.FromResult(Usage()),
    };

    private static async Task<int> CreateApiKeyAsync(string[] args, CommandArguments arguments)
    {
        var name = arguments.Option("name");
        var scope = arguments.Option("scope") ?? ApiKeyScopes.Ingest;
        if (string.IsNullOrEmpty(name))
        {
            Console.Error.WriteLine("error: --name is required, e.g. apikey create --name support-bot --scope ingest");
            return 2;
        }
        return await WithHostAsync(args, start: true, async (services, ct) =>
        {
            var key = await services.GetRequiredService<ApiKeyService>().CreateAsync(name, scope, OperatorActor(), ct);
            Console.Out.WriteLine(key);
            Console.Error.WriteLine($"Created {scope} key \"{name}\". It is shown once; store it now.");
            return 0;
        });
    }

    /// <summary>One line a key on standard output, tab-separated under a header; never the secret.</summary>
    private static Task<int> ListApiKeysAsync(string[] args) => WithHostAsync(args, start: true, async (services, ct) =>
    {
        var keys = await services.GetRequiredService<ApiKeyService>().ListAsync(ct);
        Console.Out.WriteLine("name\tscope\tprefix\tcreated\tcreated_by\trevoked\tledger");
        foreach (var key in keys)
            Console.Out.WriteLine(string.Join('\t', key.Name, key.Scope, key.Prefix, Timestamps.ToCanonical(key.CreatedAtUtc), key.CreatedBy,
                key.RevokedAtUtc is { } revoked ? Timestamps.ToCanonical(revoked) : "-",
                key.Unexplained is null ? "ok" : $"NOT EXPLAINED: {key.Unexplained}"));
        var unexplained = keys.Count(k => k.Unexplained is not null);
        Console.Error.WriteLine(unexplained == 0
            ? $"{keys.Count} API keys."
            : $"{keys.Count} API keys; {unexplained} not explained by the ledger (changed outside the portal; they do not authenticate). Run `verify`.");
        return unexplained == 0 ? 0 : 1;
    });

    private static async Task<int> RevokeApiKeyAsync(string[] args, CommandArguments arguments)
    {
        var name = arguments.Option("name");
        if (string.IsNullOrEmpty(name))
        {
            Console.Error.WriteLine("error: --name is required, e.g. apikey revoke --name support-bot");
            return 2;
        }
        return await WithHostAsync(args, start: true, async (services, ct) =>
        {
            if (!await services.GetRequiredService<ApiKeyService>().RevokeAsync(name, OperatorActor(), ct))
            {
                Console.Error.WriteLine($"error: there is no active API key named \"{name}\" (see `apikey list`).");
                return 2;
            }
            Console.Error.WriteLine($"Revoked key \"{name}\"; every portal instance refuses it from now on.");
            return 0;
        });
    }

    private static async Task<int> EvidenceAsync(string[] args, CommandArguments arguments)
    {
        if (EvidenceExportCommand.Parse(arguments, out var exitCode) is not var (request, output)) return exitCode;
        return await WithHostAsync(args, start: true, (services, ct) => EvidenceExportCommand.RunAsync(services, request, output, ct));
    }

    /// <summary>Who a verb acts for in the ledger: the operating-system user who ran it.</summary>
    internal static Data.Ledger.ActorRef OperatorActor() => new($"cli:{Environment.UserName}", Data.Ledger.ActorKinds.System);

    private static async Task<int> SeedDemoAsync(string[] args, CommandArguments arguments)
    {
        if (arguments.Positionals.Count > 0 || arguments.Unknown("events", "days").Any())
            return Usage();
        var defaults = SeedDemoOptions.Default;
        if (!TryInteger(arguments.Option("events"), defaults.Events, "--events", out var events)
            || !TryInteger(arguments.Option("days"), defaults.Days, "--days", out var days))
            return 2;
        if (!SeedDemoOptions.TryCreate(events, days, out var options, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            return 2;
        }
        return await WithHostAsync(args, start: true, (services, ct) => SeedDemoCommand.RunAsync(services, options!, ct));
    }

    private static bool TryInteger(string? text, int fallback, string option, out int value)
    {
        value = fallback;
        if (text is null || int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value))
            return true;
        Console.Error.WriteLine($"error: {option} takes a whole number, e.g. seed-demo --events 1000000 --days 30 (it was \"{text}\")");
        return false;
    }

    /// <summary>Builds the shared services; with <paramref name="start"/> the ledger is prepared and the writer runs.</summary>
    private static async Task<int> WithHostAsync(string[] args, bool start, Func<IServiceProvider, CancellationToken, Task<int>> verb)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // The launch profile and most deployments set ASPNETCORE_ENVIRONMENT; verbs must read the same appsettings.{Environment}.json.
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                              ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Production,
        });
        var settingsFolder = PortalConfiguration.AddSettingsFiles(builder.Configuration, builder.Environment.ContentRootPath, builder.Environment.EnvironmentName);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddLedgerWriting(builder.Configuration, settingsFolder);
        // evidence export reads through the same typed read services as the portal.
        builder.Services.AddLedgerReading();

        using var host = builder.Build();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        if (!start) return await verb(host.Services, cancel.Token);

        await host.Services.GetRequiredService<LedgerStartup>().PrepareAsync(cancel.Token);
        await host.StartAsync(cancel.Token);
        try
        {
            return await verb(host.Services, cancel.Token);
        }
        finally
        {
            // Stopping lets the checkpointer anchor what the verb appended.
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: dotnet run --project AuditPortal -- <verb> [options] [--AuditPortal:Key=value …]
              migrate                                   apply the database migrations for the configured provider
              apikey create --name NAME [--scope ingest|read]
                                                        create an API key; prints the key (only) on standard output
              apikey list                               list the keys: name, scope, prefix, created, revoked (never the secret)
              apikey revoke --name NAME                 revoke a key; every instance refuses it at once
              verify [--key VERIFIER_KEY]… [--require-anchors]
                                                        check the whole ledger; exit 0 intact, 1 tampered, 2 could not run;
                                                        a checkpoint without its anchor file warns, or fails with --require-anchors
              verify-pack FILE [--key VERIFIER_KEY]     check an evidence pack offline (no database); exit 0 intact, 1 tampered, 2 could not run
              evidence export --out FILE [--actor A] [--type T] [--application X] [--model M] [--prompt P]
                              [--promptVersion V] [--from TIME] [--to TIME] [--q TEXT] [--no-content]
                                                        write an evidence pack for the timeline's filters (an access event by cli:<OS user>)
              seed-demo [--events N] [--days D]         load the demo history (5,000 events over 30 days), or N events over D days
            """);
        return 2;
    }
}
