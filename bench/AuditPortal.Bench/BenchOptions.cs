using System.Globalization;

namespace AuditPortal.Bench;

public enum BenchProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Command-line options; every default is what docs/benchmarks.md reports.</summary>
public sealed class BenchOptions
{
    public List<BenchProvider> Providers { get; } = [];
    public int EventsSqlite { get; set; } = 100_000;
    public int EventsPostgres { get; set; } = 100_000;
    public int Warmup { get; set; } = 30_000;
    public int WarmupSeconds { get; set; } = 30;
    public int Senders { get; set; } = 8;
    public int BatchSize { get; set; } = 100;
    public int EventBytes { get; set; } = 1024;
    public int RawTransactionRows { get; set; } = 100;
    public int VerifyRuns { get; set; } = 3;
    public string? PortalDll { get; set; }
    public string? PostgresConnectionString { get; set; } = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_POSTGRES");
    public string? WorkDirectory { get; set; }
    public bool Keep { get; set; }
    public Dictionary<string, string> PortalEnvironment { get; } = [];
    public bool Help { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        string? providers = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            int Int() => int.TryParse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v : throw new ArgumentException($"{arg} needs a non-negative integer");
            switch (arg)
            {
                case "--providers": providers = Value(); break;
                case "--events": options.EventsSqlite = options.EventsPostgres = Int(); break;
                case "--events-sqlite": options.EventsSqlite = Int(); break;
                case "--events-postgres": options.EventsPostgres = Int(); break;
                case "--warmup": options.Warmup = Int(); break;
                case "--warmup-seconds": options.WarmupSeconds = Int(); break;
                case "--senders": options.Senders = Math.Max(1, Int()); break;
                case "--batch": options.BatchSize = Math.Clamp(Int(), 1, 1000); break;
                case "--event-bytes": options.EventBytes = Math.Max(700, Int()); break;
                case "--raw-transaction-rows": options.RawTransactionRows = Math.Max(1, Int()); break;
                case "--verify-runs": options.VerifyRuns = Math.Max(1, Int()); break;
                case "--portal": options.PortalDll = Value(); break;
                case "--postgres": options.PostgresConnectionString = Value(); break;
                case "--work-dir": options.WorkDirectory = Value(); break;
                case "--keep": options.Keep = true; break;
                case "--portal-env":
                    var pair = Value().Split('=', 2);
                    if (pair.Length != 2) throw new ArgumentException("--portal-env needs NAME=VALUE");
                    options.PortalEnvironment[pair[0]] = pair[1];
                    break;
                case "-h" or "--help": options.Help = true; break;
                default: throw new ArgumentException($"unknown option {arg} (see --help)");
            }
        }

        if (providers is null)
        {
            options.Providers.Add(BenchProvider.Sqlite);
            if (!string.IsNullOrEmpty(options.PostgresConnectionString)) options.Providers.Add(BenchProvider.Postgres);
        }
        else
        {
            foreach (var name in providers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                options.Providers.Add(name.ToLowerInvariant() switch
                {
                    "sqlite" => BenchProvider.Sqlite,
                    "postgres" or "postgresql" => BenchProvider.Postgres,
                    _ => throw new ArgumentException($"unknown provider {name}; use sqlite and/or postgres"),
                });
        }
        if (options.Providers.Contains(BenchProvider.Postgres) && string.IsNullOrEmpty(options.PostgresConnectionString))
            throw new ArgumentException("PostgreSQL needs AUDITPORTAL_TEST_POSTGRES or --postgres (start one with scripts/postgres.sh)");
        return options;
    }

    public int EventsFor(BenchProvider provider) => provider == BenchProvider.Sqlite ? EventsSqlite : EventsPostgres;

    public const string Usage = """
        AuditPortal benchmark: ingestion over HTTP vs raw inserts, and LedgerVerifier vs plain SHA-256.

        dotnet run -c Release --project bench/AuditPortal.Bench -- [options]

          --providers LIST          sqlite,postgres (default: sqlite, plus postgres when AUDITPORTAL_TEST_POSTGRES is set)
          --events N                measured events for every provider
          --events-sqlite N         measured events on SQLite (default 100000)
          --events-postgres N       measured events on PostgreSQL (default 100000)
          --warmup N                events posted before measuring, at least (default 30000)
          --warmup-seconds S        and for at least this long, so tiered JIT has settled (default 30)
          --senders N               concurrent HttpClient senders (default 8)
          --batch N                 events per request (default 100)
          --event-bytes N           JSON bytes per llm.call event (default 1024)
          --raw-transaction-rows N  rows per transaction in the raw-insert baseline (default 100)
          --verify-runs N           runs of the verifier and of its baseline; first and best are reported (default 3)
          --portal PATH             AuditPortal.dll (default: AuditPortal/bin/Release/net10.0/AuditPortal.dll in this checkout)
          --postgres CONNSTR        server for fresh databases (default: $AUDITPORTAL_TEST_POSTGRES)
          --work-dir DIR            where SQLite files, keys, anchors and logs go (default: a new temp dir)
          --keep                    keep the work dir and the PostgreSQL databases afterwards
          --portal-env NAME=VALUE   extra environment for the portal process, for diagnosis only (repeatable), e.g.
                                    Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information
        """;
}
