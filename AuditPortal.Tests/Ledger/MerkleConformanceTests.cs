using System.Text.Json;
using AuditPortal.Data.Merkle;

namespace AuditPortal.Tests.Ledger;

/// <summary>Every transparency-dev/merkle vector in ../shared/testdata/merkle: valid ones verify, invalid ones are rejected.</summary>
public class MerkleConformanceTests
{
    private static readonly string? Root = SharedTestData.Find("merkle");

    public static TheoryData<string> InclusionVectors() => Vectors("inclusion");
    public static TheoryData<string> ConsistencyVectors() => Vectors("consistency");

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void InclusionVectorVerifiesExactlyWhenValid(string file)
    {
        var path = RequireVector(file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var v = doc.RootElement;
        var result = MerkleProofs.VerifyInclusion(v.GetProperty("leafIdx").GetUInt64(), v.GetProperty("treeSize").GetUInt64(),
            Bytes(v, "leafHash"), Proof(v), Bytes(v, "root"));
        Assert.Equal(!v.GetProperty("wantErr").GetBoolean(), result.IsValid);
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void ConsistencyVectorVerifiesExactlyWhenValid(string file)
    {
        var path = RequireVector(file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var v = doc.RootElement;
        var result = MerkleProofs.VerifyConsistency(v.GetProperty("size1").GetUInt64(), v.GetProperty("size2").GetUInt64(),
            Bytes(v, "root1"), Bytes(v, "root2"), Proof(v));
        Assert.Equal(!v.GetProperty("wantErr").GetBoolean(), result.IsValid);
    }

    [Fact]
    public void EveryVectorFolderIsPresent()
    {
        Assert.SkipWhen(Root is null, "../shared/testdata/merkle is not beside this clone; conformance vectors cannot run.");
        Assert.True(Directory.EnumerateFiles(Path.Combine(Root!, "inclusion"), "*.json", SearchOption.AllDirectories).Count() > 50);
        Assert.True(Directory.EnumerateFiles(Path.Combine(Root!, "consistency"), "*.json", SearchOption.AllDirectories).Count() > 50);
    }

    private static string RequireVector(string file)
    {
        Assert.SkipWhen(Root is null, "../shared/testdata/merkle is not beside this clone; conformance vectors cannot run.");
        return Path.Combine(Root!, file);
    }

    private static TheoryData<string> Vectors(string kind)
    {
        var data = new TheoryData<string>();
        if (Root is null) { data.Add(Path.Combine(kind, "absent")); return data; }
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, kind), "*.json", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(Root, file));
        return data;
    }

    private static byte[] Bytes(JsonElement v, string name) =>
        v.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? Convert.FromBase64String(p.GetString()!) : [];

    private static List<byte[]> Proof(JsonElement v) =>
        v.TryGetProperty("proof", out var p) && p.ValueKind == JsonValueKind.Array
            ? [.. p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? Convert.FromBase64String(e.GetString()!) : [])]
            : [];
}
