using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>
/// The portal as a separate operating-system process (the built AuditPortal.dll), for what an
/// in-process host cannot show: CLI exit codes and output streams, and surviving kill -9.
/// </summary>
public static class PortalProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "AuditPortal.dll");

    public static ProcessStartInfo StartInfo(TestLedger ledger, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.WorkingDirectory = ledger.Folder;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["AuditPortal__Database__Provider"] = ledger.Provider.ToString();
        info.Environment["AuditPortal__Database__ConnectionString"] = ledger.ConnectionString;
        info.Environment["AuditPortal__Signing__KeyFile"] = ledger.KeyFile;
        info.Environment["AuditPortal__Signing__Origin"] = ledger.Origin;
        info.Environment["AuditPortal__Anchors__Directory"] = ledger.AnchorDirectory;
        info.Environment["AuditPortal__Evidence__Directory"] = Path.Combine(ledger.Folder, "evidence");
        info.Environment["AuditPortal__Checkpoints__Interval"] = "00:00:00.300";
        info.Environment["AuditPortal__Demo__LoadOnFirstRun"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return info;
    }

    /// <summary>Runs a CLI verb to completion.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunVerbAsync(TestLedger ledger, params string[] args) =>
        RunToExitAsync(StartInfo(ledger, args));

    /// <summary>Runs the portal (a verb, or the web host expected to stop by itself) to completion, within 2 minutes.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', info.ArgumentList)} did not exit within 2 minutes.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the web host on a free loopback port and waits until it answers.</summary>
    public static async Task<(Process Process, Uri Address)> StartServerAsync(TestLedger ledger)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var process = Process.Start(StartInfo(ledger, "--urls", address.ToString()))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited) throw new InvalidOperationException($"The portal exited with {process.ExitCode} while starting.");
            try
            {
                var response = await client.GetAsync("/api/v1/checkpoints/key");
                if (response.StatusCode == HttpStatusCode.OK) return (process, address);
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The portal did not start within 30 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
