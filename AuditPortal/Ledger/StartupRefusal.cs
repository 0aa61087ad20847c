using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace AuditPortal.Ledger;

/// <summary>
/// A start the portal refuses on purpose (Development sign-in in Production, a missing or wrong
/// signing key, anchors ahead of the database, a bad setting, a database it cannot open) is an
/// operator's problem with a known fix, not a crash: one line <c>error: &lt;problem&gt;; &lt;fix&gt;</c> on
/// standard error and exit code 2, the CLI's "could not run". Anything else is a bug and keeps its
/// stack trace.
/// </summary>
public static class StartupRefusal
{
    public const int ExitCode = 2;

    /// <summary>The one line for a refused start, or null when the exception is not a refusal.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        LedgerStartupException e => Line(e.Message),
        OptionsValidationException e => Line(string.Join(" ", e.Failures)),
        InvalidDataException e when e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) =>
            Line($"{Flatten(e)}; fix the file's JSON"),
        DbException e => Line($"the database could not be used ({Flatten(e)}); check AuditPortal:Database:ConnectionString and that the server runs"),
        _ => null,
    };

    /// <summary>
    /// <see cref="Describe"/>, but only when the portal is the process (not hosted by another program,
    /// such as the tests' WebApplicationFactory, which wants the exception itself).
    /// </summary>
    public static string? InOwnProcess(Exception exception) =>
        Assembly.GetEntryAssembly() == typeof(StartupRefusal).Assembly ? Describe(exception) : null;

    /// <summary>Writes the refusal and returns <see cref="ExitCode"/>.</summary>
    public static int Report(string line)
    {
        Console.Error.WriteLine(line);
        return ExitCode;
    }

    /// <summary>Reads the settings once, turning a value that cannot be bound (an Interval of "abc") into a refusal naming it.</summary>
    public static T Settings<T>(IServiceProvider services) where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (InvalidOperationException e)
        {
            throw new LedgerStartupException($"{Flatten(e)}; fix that value in appsettings.json, the environment (AuditPortal__…) or the command line.");
        }
    }

    private static string Line(string message) => "error: " + message.ReplaceLineEndings(" ");

    /// <summary>The messages of an exception and its causes, without types or stack frames.</summary>
    private static string Flatten(Exception e) =>
        e.InnerException is null ? e.Message.TrimEnd('.') : $"{e.Message.TrimEnd('.')}: {Flatten(e.InnerException)}";
}
