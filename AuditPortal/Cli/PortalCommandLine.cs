using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using AuditPortal.Configuration;
using AuditPortal.Ledger;

namespace AuditPortal.Cli;

/// <summary>
/// The verbs of DESIGN.md §5. They read the same configuration as the web host. Only the API key
/// goes to standard output; every message goes to standard error, so KEY=$(… apikey create …) works.
/// Exit codes: 0 success (verify: intact), 1 tampering found, 2 could not run or a usage error.
/// The verbs and their options are <see cref="PortalCommands"/>, parsed by System.CommandLine.
/// </summary>
public static class PortalCommandLine
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "migrate", "apikey", "verify", "verify-pack", "evidence", "seed-demo", "help", "--help" };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = PortalCommands.Create(args);
        var verbArgs = WithoutConfigurationOverrides(args);
        if (verbArgs is ["help", ..]) verbArgs[0] = "--help";
        // No response files: an argument such as --actor @alice is a value, not a file to read.
        var result = root.Parse(verbArgs, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Messages, help included, go to standard error; standard output is the verbs' own (the API key, a pack's path).
        // Ctrl+C cancels through WithHostAsync, which lets a running transaction finish.
        var invocation = new InvocationConfiguration
        {
            Output = Console.Error, Error = Console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        };
        try
        {
            if (result.Errors.Count > 0 && result.Action is not HelpAction)
            {
                // A usage error is exit 2 (System.CommandLine's own would be 1, which means "tampering found" here).
                foreach (var error in result.Errors) Console.Error.WriteLine($"error: {error.Message}");
                Console.Error.WriteLine();
                root.Parse([.. VerbPath(result.CommandResult), "--help"]).Invoke(invocation);
                return 2;
            }
            return await result.InvokeAsync(invocation);
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

    /// <summary>
    /// Configuration overrides (--AuditPortal:Database:Provider=Postgres, or with the value as the next
    /// word) belong to the configuration system, which reads them from the whole command line; the verbs
    /// do not see them.
    /// </summary>
    private static List<string> WithoutConfigurationOverrides(string[] args)
    {
        var verb = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf(':') is var colon and > 2
                && (arg.IndexOf('=') is var equals && (equals < 0 || colon < equals)))
            {
                if (equals < 0) i++;
                continue;
            }
            verb.Add(arg);
        }
        return verb;
    }

    /// <summary>The words that name a command, e.g. ["apikey", "create"], to show that command's help.</summary>
    private static IEnumerable<string> VerbPath(CommandResult result)
    {
        var path = new Stack<string>();
        for (SymbolResult? at = result; at is CommandResult { Parent: not null } command; at = command.Parent) path.Push(command.Command.Name);
        return path;
    }

    /// <summary>Who a verb acts for in the ledger: the operating-system user who ran it.</summary>
    internal static Data.Ledger.ActorRef OperatorActor() => new($"cli:{Environment.UserName}", Data.Ledger.ActorKinds.System);

    /// <summary>Builds the shared services; with <paramref name="start"/> the ledger is prepared and the writer runs.</summary>
    internal static async Task<int> WithHostAsync(string[] args, bool start, Func<IServiceProvider, CancellationToken, Task<int>> verb)
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
}
