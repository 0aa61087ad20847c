using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AuditPortal.Testing;

/// <summary>
/// The portal as operators run it: <c>dotnet AuditPortal.dll …</c> in its own process, configured only
/// through environment variables (DESIGN.md §5). The one way the tests (CLI exit codes and streams,
/// kill -9) and the bench (ingestion, timeline, verify as a fresh process) start it.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly string _portalDll;
    private readonly string _logFile;
    private readonly Lock _logLock = new();
    private Process? _server;
    private StreamWriter? _log;

    /// <param name="portalDll">The built AuditPortal.dll.</param>
    /// <param name="provider">"Sqlite" or "Postgres".</param>
    /// <param name="folder">Where the signing key, the anchors, evidence packs and the portal's log go; also the working directory.</param>
    public PortalProcess(string portalDll, string provider, string connectionString, string folder, string origin)
    {
        _portalDll = portalDll;
        Folder = folder;
        Directory.CreateDirectory(folder);
        _logFile = Path.Combine(folder, "portal.log");
        Environment = new Dictionary<string, string>
        {
            ["AuditPortal__Database__Provider"] = provider,
            ["AuditPortal__Database__ConnectionString"] = connectionString,
            ["AuditPortal__Signing__KeyFile"] = KeyFile,
            ["AuditPortal__Signing__Origin"] = origin,
            ["AuditPortal__Anchors__Directory"] = AnchorsDirectory,
            ["AuditPortal__Evidence__Directory"] = Path.Combine(folder, "evidence"),
            ["AuditPortal__Demo__LoadOnFirstRun"] = "false",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    /// <summary>The portal beside the test assembly (the test projects reference AuditPortal, so its dll is copied there).</summary>
    public static string DllBesideTests => Path.Combine(AppContext.BaseDirectory, "AuditPortal.dll");

    /// <summary>A portal on a test's own ledger, issuing checkpoints every 300 ms so that tests need not wait.</summary>
    public static PortalProcess For(TestLedger ledger)
    {
        var portal = new PortalProcess(DllBesideTests, ledger.Provider.ToString(), ledger.ConnectionString, ledger.Folder, ledger.Origin);
        portal.Environment["AuditPortal__Signing__KeyFile"] = ledger.KeyFile;
        portal.Environment["AuditPortal__Anchors__Directory"] = ledger.AnchorDirectory;
        portal.Environment["AuditPortal__Checkpoints__Interval"] = "00:00:00.300";
        return portal;
    }

    /// <summary>Runs one verb on a test's ledger: <c>var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify")</c>.</summary>
    public static Task<VerbResult> RunVerbAsync(TestLedger ledger, params string[] args) => For(ledger).RunAsync(args);

    /// <summary>How long a verb may run before it is killed and the run fails (the bench's million-event seed-demo needs longer).</summary>
    public TimeSpan VerbTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The variables every run gets; change them before a run to configure it (e.g. a refused start).</summary>
    public Dictionary<string, string> Environment { get; }
    public string Folder { get; }
    public string KeyFile => Path.Combine(Folder, "signing.key");
    public string AnchorsDirectory => Path.Combine(Folder, "anchors");
    public Uri? BaseAddress { get; private set; }
    public bool HasExited => _server is null || _server.HasExited;
    public int ProcessId => _server?.Id ?? throw new InvalidOperationException("The portal is not running.");

    /// <summary>Runs a CLI verb (or a web host expected to stop by itself) to completion, within 2 minutes.</summary>
    public async Task<VerbResult> RunAsync(params string[] args)
    {
        var start = StartInfo(args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = VerbTimeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(VerbTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`AuditPortal {string.Join(' ', args)}` did not exit within {VerbTimeout}.");
        }
        return new VerbResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a verb that must succeed (e.g. apikey create) and returns its trimmed standard output.</summary>
    public async Task<string> RunCheckedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"`AuditPortal {string.Join(' ', args)}` exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout.Trim();
    }

    /// <summary>Starts the web host on a free loopback port and returns once it answers; its output goes to portal.log in the folder.</summary>
    public async Task<Uri> StartAsync()
    {
        if (!HasExited) throw new InvalidOperationException("The portal is already running.");
        _server?.Dispose();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        _log ??= new StreamWriter(_logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = StartInfo(["--urls", address.ToString().TrimEnd('/')]), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _server = process;

        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The portal exited with {process.ExitCode} while starting:\n{LogTail()}");
            try
            {
                using var response = await client.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    BaseAddress = address;
                    return address;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"The portal did not answer on {address} within 60 s:\n{LogTail()}");
    }

    /// <summary>Stops like an operator would (SIGTERM), so the checkpointer writes its last checkpoint.</summary>
    public async Task StopAsync()
    {
        if (_server is not { HasExited: false } process) return;
        using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])))
            if (term is not null) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException("The portal did not stop within 30 s of SIGTERM.");
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no final checkpoint, as a crash or the OOM killer would.</summary>
    public async Task KillAsync()
    {
        if (_server is not { HasExited: false } process) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public string LogTail(int lines = 30)
    {
        if (!File.Exists(_logFile)) return "";
        using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _server?.Dispose();
        if (_log is not null) await _log.DisposeAsync();
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_logLock) _log?.WriteLine(line);
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        start.ArgumentList.Add(_portalDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the caller's shell may change what is tested or measured.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AuditPortal__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>How a verb ended: its exit code and both output streams.</summary>
public sealed record VerbResult(int ExitCode, string Stdout, string Stderr);
