using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Signing;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// What someone holding an evidence pack can do to it: change, drop or add files and lines, and — with a
/// signing key (their own, or the ledger's to show a check does not rest on the manifest alone) — rewrite
/// manifest.json's hashes and re-sign it. Works on a copy; the original pack is never touched.
/// </summary>
public sealed class PackTamperer
{
    private readonly Dictionary<string, byte[]> _files;

    public PackTamperer(string pack)
    {
        using var zip = ZipFile.OpenRead(pack);
        _files = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    public string Text(string name) => Encoding.UTF8.GetString(_files[name]);

    public PackTamperer Replace(string name, string text)
    {
        _files[name] = Encoding.UTF8.GetBytes(text);
        return this;
    }

    /// <summary>Rewrites one line of a JSON-lines file (0-based).</summary>
    public PackTamperer EditLine(string name, int line, Func<JsonObject, JsonObject> edit)
    {
        var lines = Text(name).Split('\n').ToList();
        lines[line] = edit(JsonNode.Parse(lines[line])!.AsObject()).ToJsonString();
        return Replace(name, string.Join('\n', lines));
    }

    public PackTamperer DropLine(string name, int line)
    {
        var lines = Text(name).Split('\n').ToList();
        lines.RemoveAt(line);
        return Replace(name, string.Join('\n', lines));
    }

    public PackTamperer EditJson(string name, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(_files[name])!.AsObject();
        edit(json);
        return Replace(name, json.ToJsonString());
    }

    /// <summary>Rewrites manifest.json's file hashes to the files as they now are, and signs it again with <paramref name="signer"/>.</summary>
    public PackTamperer Reseal(NoteSigner signer)
    {
        var manifest = JsonNode.Parse(_files[EvidencePackFormat.Manifest])!.AsObject();
        var files = manifest["files"]!.AsObject();
        foreach (var name in files.Select(f => f.Key).ToList()) files[name] = Convert.ToHexStringLower(SHA256.HashData(_files[name]));
        _files[EvidencePackFormat.Manifest] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var text = EvidencePackFormat.SignatureText((string)manifest["origin"]!, SHA256.HashData(_files[EvidencePackFormat.Manifest]));
        _files[EvidencePackFormat.ManifestSignature] = Encoding.UTF8.GetBytes(SignedNote.Sign(text, signer));
        return this;
    }

    public string Save(string folder)
    {
        var path = Path.Combine(folder, $"tampered-{Guid.NewGuid():N}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in _files)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }
        return path;
    }
}
