using System.Diagnostics;
using System.Globalization;

namespace AuditPortal.Bench;

/// <summary>
/// Where the machine's CPU went during a timed phase (Linux /proc): the portal process, this process,
/// and the whole machine (the database server and anything else running is the remainder).
/// </summary>
public sealed class CpuSampler
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux x86-64 kernel
    private readonly int? _portalPid;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly double _portalStart;
    private readonly TimeSpan _selfStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly (double Busy, double Total) _machineStart;

    private CpuSampler(int? portalPid)
    {
        _portalPid = portalPid;
        _portalStart = portalPid is { } pid ? ProcessSeconds(pid) : 0;
        _machineStart = Machine();
    }

    public static CpuSampler Start(int? portalPid = null) => new(portalPid);

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var portal = _portalPid is { } pid ? ProcessSeconds(pid) - _portalStart : 0;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _selfStart).TotalSeconds;
        var machine = Machine();
        var busy = machine.Busy - _machineStart.Busy;
        return new CpuUse(wall, portal / wall, self / wall, busy / wall);
    }

    private static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException) { return 0; }
    }

    private static (double Busy, double Total) Machine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var idle = v[3] + v[4]; // idle + iowait
            var total = v.Take(8).Sum();
            return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
        }
        catch (IOException) { return (0, 0); }
    }
}

/// <summary>CPU use as cores busy on average over the phase (2.0 = both cores of this machine).</summary>
public sealed record CpuUse(double WallSeconds, double PortalCores, double BenchCores, double MachineCores)
{
    public double OtherCores => Math.Max(0, MachineCores - PortalCores - BenchCores);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cpu: portal {PortalCores:0.00} cores, bench client {BenchCores:0.00}, database+other {OtherCores:0.00}, machine {MachineCores:0.00} of {Environment.ProcessorCount}");
}
