using System.CommandLine;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Demo;
using AuditPortal.Features.Evidence;
using AuditPortal.Features.Integrity;
using AuditPortal.Ledger;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Cli;

/// <summary>
/// The verbs of DESIGN.md §5 and their options, each with --help. <paramref name="args"/> of
/// <see cref="Create"/> is the whole command line, which the host's configuration reads (overrides included).
/// </summary>
public static class PortalCommands
{
    public static RootCommand Create(string[] args)
    {
        var root = new RootCommand("""
            AuditPortal: without a verb, the web host (--urls, --AuditPortal:Key=value). The verbs read the same configuration
            (appsettings.json, appsettings.{Environment}.json, AuditPortal__… environment variables, --AuditPortal:Key=value).
            Exit codes: 0 success (verify: intact), 1 tampering found, 2 could not run or a usage error.
            """)
        {
            Migrate(args), ApiKey(args), Verify(args), VerifyPack(), Evidence(args), SeedDemo(args),
        };
        return root;
    }

    private static Command Migrate(string[] args)
    {
        var command = new Command("migrate", "Apply the database migrations for the configured provider.");
        command.SetAction((_, _) => PortalCommandLine.WithHostAsync(args, start: false, async (services, ct) =>
        {
            await services.GetRequiredService<LedgerStartup>().PrepareAsync(ct);
            Console.Error.WriteLine("Migrations applied; the ledger is ready.");
            return 0;
        }));
        return command;
    }

    private static Command ApiKey(string[] args)
    {
        var create = new Command("create", "Create an API key; prints the key (only) on standard output, once.");
        var createName = new Option<string>("--name") { Description = "The key's name: the actor id of its service account, e.g. support-bot.", Required = true };
        var scope = new Option<string>("--scope")
        {
            Description = "ingest (write events) or read (query, proofs).", DefaultValueFactory = _ => ApiKeyScopes.Ingest,
        };
        scope.AcceptOnlyFromAmong(ApiKeyScopes.Ingest, ApiKeyScopes.Read);
        create.Add(createName);
        create.Add(scope);
        create.SetAction((result, _) => CreateApiKeyAsync(args, result.GetValue(createName), result.GetValue(scope)!));

        var list = new Command("list", "List the keys, tab-separated: name, scope, prefix, created, created_by, revoked, ledger (never the secret). Exit 1 when a row is not explained by the ledger.");
        list.SetAction((_, _) => ListApiKeysAsync(args));

        var revoke = new Command("revoke", "Revoke a key (a config.changed event); every instance refuses it at once.");
        var revokeName = new Option<string>("--name") { Description = "The key's name.", Required = true };
        revoke.Add(revokeName);
        revoke.SetAction((result, _) => RevokeApiKeyAsync(args, result.GetValue(revokeName)));

        return new Command("apikey", "Create, list and revoke API keys.") { create, list, revoke };
    }

    private static Command Verify(string[] args)
    {
        var command = new Command("verify", """
            Check the whole ledger (read-only, one snapshot, safe beside a running portal). Exit 0 intact, 1 tampering found
            (the first bad sequence and why on standard error), 2 could not run. A checkpoint without its anchor file warns.
            """);
        var keys = new Option<string[]>("--key")
        {
            Description = "A verifier key (name+keyid+base64, from /api/v1/checkpoints/key); repeatable. Default: the signing key file's public half.",
            HelpName = "VERIFIER_KEY", AllowMultipleArgumentsPerToken = false,
        };
        var requireAnchors = new Option<bool>("--require-anchors") { Description = "A checkpoint without its anchor file fails the run (exit 1)." };
        command.Add(keys);
        command.Add(requireAnchors);
        command.SetAction((result, _) => PortalCommandLine.WithHostAsync(args, start: false, (services, ct) =>
            VerifyCommand.RunAsync(services, result.GetValue(keys) ?? [], result.GetValue(requireAnchors), ct)));
        return command;
    }

    private static Command VerifyPack()
    {
        var command = new Command("verify-pack", VerifyPackCommand.Description);
        var file = new Argument<string>("FILE") { Description = "The evidence pack (evidence-<utc>.zip)." };
        var key = new Option<string>("--key")
        {
            Description = "The ledger's verifier key (name+keyid+base64), from a channel you trust; without it the pack's own verifier-key.txt is trusted.",
            HelpName = "VERIFIER_KEY",
        };
        command.Add(file);
        command.Add(key);
        // Offline: no configuration, database or host.
        command.SetAction(result => VerifyPackCommand.Run(result.GetValue(file)!, result.GetValue(key)));
        return command;
    }

    private static Command Evidence(string[] args)
    {
        var export = new Command("export", EvidenceExportCommand.Description);
        var output = new Option<string>("--out") { Description = "Where to write the pack (never overwritten).", HelpName = "FILE", Required = true };
        var noContent = new Option<bool>("--no-content") { Description = "Leave the contents (messages, templates, comments) out." };
        export.Add(output);
        var filters = EvidenceExportCommand.FilterNames.Select(name =>
        {
            var (placeholder, meaning) = FilterHelp[name];
            var filter = new Option<string[]>($"--{name}") { Description = meaning, HelpName = placeholder, AllowMultipleArgumentsPerToken = false };
            export.Add(filter);
            return (Name: name, Option: filter);
        }).ToList();
        export.Add(noContent);
        export.SetAction(async (result, _) =>
        {
            var parameters = filters.Select(f => (f.Name, Values: result.GetValue(f.Option) ?? []))
                .Where(f => f.Values.Length > 0)
                .Select(f => new KeyValuePair<string, StringValues>(f.Name, new StringValues(f.Values)));
            if (EvidenceExportCommand.Parse(result.GetValue(output)!, result.GetValue(noContent), parameters) is not var (request, path)) return 2;
            return await PortalCommandLine.WithHostAsync(args, start: true, (services, ct) => EvidenceExportCommand.RunAsync(services, request, path, ct));
        });
        return new Command("evidence", "Evidence packs for auditors (docs/evidence.md).") { export };
    }

    /// <summary>The filters as GET /api/v1/events names and checks them (docs/api.md).</summary>
    private static readonly Dictionary<string, (string Placeholder, string Meaning)> FilterHelp = new(StringComparer.Ordinal)
    {
        ["actor"] = ("ACTOR", "Who acted: a user's or a service's actor id."),
        ["type"] = ("TYPE", "The event type, e.g. llm.call or prompt.version.approved."),
        ["application"] = ("APPLICATION", "The application that sent the event."),
        ["model"] = ("MODEL", "The model a call requested."),
        ["prompt"] = ("NAME", "The prompt a call used or a lifecycle event concerns."),
        ["promptVersion"] = ("VERSION", "One version of --prompt."),
        ["from"] = ("TIME", "Occurred at or after this time (RFC 3339 with an offset)."),
        ["to"] = ("TIME", "Occurred at or before this time (RFC 3339 with an offset)."),
        ["q"] = ("TEXT", "Text in the envelope's values, case-insensitive (not in the content)."),
    };

    private static Command SeedDemo(string[] args)
    {
        var command = new Command("seed-demo", "Load the demo history (5,000 events over 30 days), or N realistic events over D days, through the real writer.");
        // Text, so that a bad number gets this verb's own message and exit 2.
        var events = new Option<string>("--events") { Description = "How many events (default: the demo history).", HelpName = "N" };
        var days = new Option<string>("--days") { Description = "Over how many days, up to now (default 30).", HelpName = "D" };
        command.Add(events);
        command.Add(days);
        command.SetAction(async (result, _) =>
        {
            var defaults = SeedDemoOptions.Default;
            if (!TryInteger(result.GetValue(events), defaults.Events, "--events", out var eventCount)
                || !TryInteger(result.GetValue(days), defaults.Days, "--days", out var dayCount))
                return 2;
            if (!SeedDemoOptions.TryCreate(eventCount, dayCount, out var options, out var error))
            {
                Console.Error.WriteLine($"error: {error}");
                return 2;
            }
            return await PortalCommandLine.WithHostAsync(args, start: true, (services, ct) => SeedDemoCommand.RunAsync(services, options!, ct));
        });
        return command;
    }

    private static async Task<int> CreateApiKeyAsync(string[] args, string? name, string scope)
    {
        if (string.IsNullOrEmpty(name))
        {
            Console.Error.WriteLine("error: --name is required, e.g. apikey create --name support-bot --scope ingest");
            return 2;
        }
        return await PortalCommandLine.WithHostAsync(args, start: true, async (services, ct) =>
        {
            var key = await services.GetRequiredService<ApiKeyService>().CreateAsync(name, scope, PortalCommandLine.OperatorActor(), ct);
            Console.Out.WriteLine(key);
            Console.Error.WriteLine($"Created {scope} key \"{name}\". It is shown once; store it now.");
            return 0;
        });
    }

    /// <summary>One line a key on standard output, tab-separated under a header; never the secret.</summary>
    private static Task<int> ListApiKeysAsync(string[] args) => PortalCommandLine.WithHostAsync(args, start: true, async (services, ct) =>
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

    private static async Task<int> RevokeApiKeyAsync(string[] args, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            Console.Error.WriteLine("error: --name is required, e.g. apikey revoke --name support-bot");
            return 2;
        }
        return await PortalCommandLine.WithHostAsync(args, start: true, async (services, ct) =>
        {
            if (!await services.GetRequiredService<ApiKeyService>().RevokeAsync(name, PortalCommandLine.OperatorActor(), ct))
            {
                Console.Error.WriteLine($"error: there is no active API key named \"{name}\" (see `apikey list`).");
                return 2;
            }
            Console.Error.WriteLine($"Revoked key \"{name}\"; every portal instance refuses it from now on.");
            return 0;
        });
    }

    private static bool TryInteger(string? text, int fallback, string option, out int value)
    {
        value = fallback;
        if (text is null || int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value))
            return true;
        Console.Error.WriteLine($"error: {option} takes a whole number, e.g. seed-demo --events 1000000 --days 30 (it was \"{text}\")");
        return false;
    }
}
