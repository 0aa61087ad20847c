namespace AuditPortal.Bench;

/// <summary>
/// What the garbage collector did in this process during a timed phase: collections by generation,
/// time paused and bytes allocated. A verify run that allocates per chunk or per entry shows here
/// before it shows in a profile.
/// </summary>
public sealed class GcSampler
{
    private readonly int[] _collections = Counts();
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
    private readonly long _allocated = GC.GetTotalAllocatedBytes();

    public static GcSampler Start() => new();

    public GcUse Stop()
    {
        var counts = Counts();
        return new GcUse(counts[0] - _collections[0], counts[1] - _collections[1], counts[2] - _collections[2],
            GC.GetTotalPauseDuration() - _paused, GC.GetTotalAllocatedBytes() - _allocated);
    }

    private static int[] Counts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}

/// <param name="Gen0">Collections that included generation 0: every collection, since .NET counts a gen 1 or gen 2
/// collection under each younger generation too (so "5 gen0, 3 gen1, 3 gen2" is three full collections and two of gen 0 alone).</param>
public sealed record GcUse(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long AllocatedBytes)
{
    public override string ToString() =>
        $"gc: {Gen0} gen0, {Gen1} gen1, {Gen2} gen2 collections, {Paused.TotalSeconds:0.000} s paused, {AllocatedBytes / 1e6:N0} MB allocated";
}
