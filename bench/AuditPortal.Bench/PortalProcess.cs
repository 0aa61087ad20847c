using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuditPortal.Data.Signing;

namespace AuditPortal.Bench;

/// <summary>
/// The portal as operators run it: `dotnet AuditPortal.dll --urls …` in its own process, configured
/// only through environment variables (DESIGN.md §5).
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    public const string Origin = "localhost/auditportal";

    private readonly string _portalDll;
    private readonly Dictionary<string, string> _environment;
    private readonly string _logFile;
    private Process? _process;
    private StreamWriter? _log;

    public PortalProcess(string portalDll, string provider, string connectionString, string directory,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        _portalDll = portalDll;
        Directory.CreateDirectory(directory);
        KeyFile = Path.Combine(directory, "signing.key");
        AnchorsDirectory = Path.Combine(directory, "anchors");
        _logFile = Path.Combine(directory, "portal.log");
        _environment = new Dictionary<string, string>
        {
            ["AuditPortal__Database__Provider"] = provider,
            ["AuditPortal__Database__ConnectionString"] = connectionString,
            ["AuditPortal__Signing__KeyFile"] = KeyFile,
            ["AuditPortal__Signing__Origin"] = Origin,
            ["AuditPortal__Anchors__Directory"] = AnchorsDirectory,
            ["AuditPortal__Demo__LoadOnFirstRun"] = "false",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>()) _environment[name] = value;
    }

    public string KeyFile { get; }
    public string AnchorsDirectory { get; }
    public Uri? BaseAddress { get; private set; }
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The portal is not running.");

    /// <summary>Runs a CLI verb (e.g. apikey create) with the same configuration and returns its standard output.</summary>
    public async Task<string> RunVerbAsync(params string[] args)
    {
        var start = StartInfo(args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`AuditPortal {string.Join(' ', args)}` exited {process.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    public async Task StartAsync()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _log = new StreamWriter(_logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = StartInfo(["--urls", BaseAddress.ToString().TrimEnd('/')]), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data); };
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The portal exited with {process.ExitCode} during startup; see {_logFile}");
            try
            {
                using var response = await client.GetAsync("/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The portal did not answer on {BaseAddress} within 60 s; see {_logFile}");
    }

    /// <summary>Stops like an operator would (SIGTERM), so the checkpointer writes its last checkpoint.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
            if (kill is not null) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException("The portal did not stop within 30 s of SIGTERM.");
        }
    }

    public string LogTail(int lines = 30)
    {
        _log?.Flush();
        if (!File.Exists(_logFile)) return "";
        using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_log is not null) await _log.DisposeAsync();
    }

    private void Log(string line)
    {
        lock (_environment) _log?.WriteLine(line);
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_portalDll)!,
        };
        start.ArgumentList.Add(_portalDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the caller's shell may change what is measured.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AuditPortal__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
