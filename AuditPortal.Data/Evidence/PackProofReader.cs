using System.Text.Json;

namespace AuditPortal.Data.Evidence;

/// <summary>
/// Streams proofs.json — <c>{"treeSize":N,"rootHash":"hex","proofs":[{"sequence":n,"path":["hex",…]},…]}</c> —
/// one proof at a time. treeSize and rootHash must come before the proofs (the exporter writes them first).
/// </summary>
internal sealed class PackProofReader
{
    private readonly JsonTokenStream _json;

    /// <exception cref="FormatException">The header is not as the format says.</exception>
    public PackProofReader(Stream stream)
    {
        _json = new JsonTokenStream(stream);
        _json.Expect(JsonTokenType.StartObject, "a JSON object");
        long? treeSize = null;
        byte[]? root = null;
        while (true)
        {
            _json.Expect(JsonTokenType.PropertyName, "treeSize, rootHash, then proofs");
            switch (_json.String)
            {
                case "treeSize" when treeSize is null:
                    if (!_json.Next() || _json.Number is not { } size) throw new FormatException("treeSize is not an integer");
                    treeSize = size;
                    break;
                case "rootHash" when root is null:
                    _json.Expect(JsonTokenType.String, "rootHash as hex");
                    root = Hash(_json.String!, "rootHash");
                    break;
                case "proofs" when treeSize is not null && root is not null:
                    _json.Expect(JsonTokenType.StartArray, "proofs as an array");
                    TreeSize = treeSize.Value;
                    RootHash = root;
                    return;
                default:
                    throw new FormatException($"unexpected \"{_json.String}\" (the object holds treeSize, rootHash, then proofs, once each)");
            }
        }
    }

    public long TreeSize { get; }
    public byte[] RootHash { get; } = [];

    /// <returns>The next proof, or null after the last.</returns>
    /// <exception cref="FormatException">A proof is not as the format says, or the document does not end after the proofs.</exception>
    public (long Sequence, List<byte[]> Path)? Next()
    {
        if (!_json.Next()) throw new FormatException("the proofs array is not closed");
        if (_json.TokenType == JsonTokenType.EndArray)
        {
            _json.Expect(JsonTokenType.EndObject, "the end of the object after the proofs");
            if (_json.Next()) throw new FormatException("text after the end of the object");
            return null;
        }
        if (_json.TokenType != JsonTokenType.StartObject) throw new FormatException("a proof is not an object");
        long? sequence = null;
        List<byte[]>? path = null;
        while (_json.Next() && _json.TokenType == JsonTokenType.PropertyName)
        {
            switch (_json.String)
            {
                case "sequence" when sequence is null:
                    if (!_json.Next() || _json.Number is not { } s) throw new FormatException("a proof's sequence is not an integer");
                    sequence = s;
                    break;
                case "path" when path is null:
                    _json.Expect(JsonTokenType.StartArray, "a proof's path as an array");
                    path = [];
                    while (_json.Next() && _json.TokenType == JsonTokenType.String) path.Add(Hash(_json.String!, "a path hash"));
                    if (_json.TokenType != JsonTokenType.EndArray) throw new FormatException("a proof's path holds something other than hex hashes");
                    break;
                default:
                    throw new FormatException($"a proof has an unexpected \"{_json.String}\"");
            }
        }
        if (_json.TokenType != JsonTokenType.EndObject || sequence is null || path is null)
            throw new FormatException("a proof needs exactly a sequence and a path");
        return (sequence.Value, path);
    }

    private static byte[] Hash(string hex, string what)
    {
        if (hex.Length != 64) throw new FormatException($"{what} is not 64 hex digits");
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { throw new FormatException($"{what} is not hex"); }
    }
}
