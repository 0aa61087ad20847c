using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Canonical;

/// <summary>
/// Writes the ledger's canonical JSON: a restricted profile of RFC 8785 (JCS).
/// Object keys are sorted by UTF-16 code units, there is no insignificant whitespace,
/// strings use the minimal JCS escapes and numbers must be integers within ±(2^53 − 1),
/// so that every implementation agrees on the bytes without a floating-point formatter.
/// Decimals are carried as strings by the caller; <see cref="CanonicalNumber"/> does that.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The largest integer every JSON implementation represents exactly (IEEE 754 double).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    public static byte[] Serialize(JsonNode node)
    {
        var buffer = ScratchBuffer.Take();
        try
        {
            Write(node, buffer);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffer.Give(buffer);
        }
    }

    /// <summary>Canonical bytes of a value that writes itself (an event's content, without a JsonNode tree).</summary>
    public static byte[] Serialize(ICanonicalWritable value)
    {
        var buffer = ScratchBuffer.Take();
        try
        {
            value.WriteCanonical(buffer);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffer.Give(buffer);
        }
    }

    public static void Write(JsonNode? node, IBufferWriter<byte> output)
    {
        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                break;
            case JsonObject obj:
                WriteObject(obj, output);
                break;
            case JsonArray array:
                WriteAscii(output, "[");
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) WriteAscii(output, ",");
                    Write(array[i], output);
                }
                WriteAscii(output, "]");
                break;
            case JsonValue value:
                WriteValue(value, output);
                break;
            default:
                throw new CanonicalJsonException($"Unsupported JSON node {node.GetType().Name}.");
        }
    }

    private static void WriteObject(JsonObject obj, IBufferWriter<byte> output)
    {
        var properties = new KeyValuePair<string, JsonNode?>[obj.Count];
        var i = 0;
        foreach (var property in obj) properties[i++] = property;
        WriteSorted(properties, output);
    }

    /// <summary>
    /// Writes the properties as one canonical object, without reparenting their nodes. A member whose
    /// value is a <see cref="Hole"/> is written as its key and colon only.
    /// </summary>
    public static void WriteObject(IEnumerable<KeyValuePair<string, JsonNode?>> members, IBufferWriter<byte> output) =>
        WriteSorted(members.ToArray(), output);

    /// <param name="properties">Sorted in place.</param>
    private static void WriteSorted(KeyValuePair<string, JsonNode?>[] properties, IBufferWriter<byte> output)
    {
        // RFC 8785 §3.2.3: sort by the UTF-16 code units of the key; ordinal comparison is exactly that.
        Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        WriteAscii(output, "{");
        for (var i = 0; i < properties.Length; i++)
        {
            if (i > 0)
            {
                if (string.Equals(properties[i].Key, properties[i - 1].Key, StringComparison.Ordinal))
                    throw new CanonicalJsonException($"Duplicate key \"{properties[i].Key}\".");
                WriteAscii(output, ",");
            }
            WriteString(properties[i].Key, output);
            WriteAscii(output, ":");
            if (properties[i].Value is JsonValue value && value.TryGetValue<Hole>(out var hole)) hole.MarkAt(output);
            else Write(properties[i].Value, output);
        }
        WriteAscii(output, "}");
    }

    private static void WriteValue(JsonValue value, IBufferWriter<byte> output)
    {
        if (value.TryGetValue<string>(out var s)) { WriteString(s, output); return; }
        if (value.TryGetValue<bool>(out var b)) { WriteAscii(output, b ? "true" : "false"); return; }
        if (value.TryGetValue<long>(out var l)) { WriteInteger(l, output); return; }
        if (value.TryGetValue<int>(out var i)) { WriteInteger(i, output); return; }
        throw new CanonicalJsonException(
            $"Only strings, booleans and integers are canonical; got {value.GetValueKind()} {Describe(value)}. Carry decimals as strings.");
    }

    // ToJsonString throws ArgumentException for NaN and ±Infinity doubles; the rejection must stay a CanonicalJsonException.
    private static string Describe(JsonValue value)
    {
        try { return value.ToJsonString(); }
        catch (ArgumentException) { return Convert.ToString(value.GetValue<object>(), CultureInfo.InvariantCulture) ?? "?"; }
    }

    /// <summary>An integer within ±(2^53 − 1), as JCS writes it.</summary>
    public static void WriteInteger(long value, IBufferWriter<byte> output)
    {
        if (value is > MaxSafeInteger or < -MaxSafeInteger)
            throw new CanonicalJsonException($"Integer {value} is outside ±(2^53 − 1).");
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    // What JCS escapes: '"', '\\' and the C0 controls; everything else is literal UTF-8.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    /// <summary>JCS string form: only '"', '\\' and control characters are escaped; everything else is literal UTF-8.</summary>
    public static void WriteString(string value, IBufferWriter<byte> output) => WriteString(value.AsSpan(), output);

    /// <inheritdoc cref="WriteString(string, IBufferWriter{byte})"/>
    public static void WriteString(ReadOnlySpan<char> value, IBufferWriter<byte> output)
    {
        if (value.ContainsAnyInRange('\uD800', '\uDFFF')) RejectLoneSurrogates(value);

        // Ask for exactly the bytes needed (the UTF-8 form plus what escapes add): a generous guess
        // would make a pooled or growing buffer reserve several times a long text's size.
        var needed = Encoding.UTF8.GetByteCount(value) + 2;
        for (var rest = value; rest.IndexOfAny(Escaped) is var at and >= 0; rest = rest[(at + 1)..])
            needed += rest[at] is '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' ? 1 : 5;

        var span = output.GetSpan(needed);
        var pos = 0;
        span[pos++] = (byte)'"';
        var remaining = value;
        while (true)
        {
            var at = remaining.IndexOfAny(Escaped);
            var run = at < 0 ? remaining : remaining[..at];
            pos += Encoding.UTF8.GetBytes(run, span[pos..]);
            if (at < 0) break;
            var c = remaining[at];
            remaining = remaining[(at + 1)..];
            span[pos++] = (byte)'\\';
            switch (c)
            {
                case '"': span[pos++] = (byte)'"'; break;
                case '\\': span[pos++] = (byte)'\\'; break;
                case '\b': span[pos++] = (byte)'b'; break;
                case '\f': span[pos++] = (byte)'f'; break;
                case '\n': span[pos++] = (byte)'n'; break;
                case '\r': span[pos++] = (byte)'r'; break;
                case '\t': span[pos++] = (byte)'t'; break;
                default:
                    span[pos++] = (byte)'u';
                    span[pos++] = (byte)'0';
                    span[pos++] = (byte)'0';
                    span[pos++] = (byte)"0123456789abcdef"[c >> 4];
                    span[pos++] = (byte)"0123456789abcdef"[c & 0xF];
                    break;
            }
        }
        span[pos++] = (byte)'"';
        output.Advance(pos);
    }

    private static void RejectLoneSurrogates(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i])) continue;
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            throw new CanonicalJsonException("String contains a lone surrogate, which has no UTF-8 form.");
        }
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++) span[i] = (byte)ascii[i];
        output.Advance(ascii.Length);
    }
}

/// <summary>
/// A value that writes its own canonical JSON, for data whose shape is known, so that it need not be
/// built as a JsonNode tree first. It must write exactly what <see cref="CanonicalJson.Write"/> writes
/// for the equivalent tree: keys sorted by UTF-16 code units, the same string, integer and literal forms.
/// </summary>
public interface ICanonicalWritable
{
    void WriteCanonical(IBufferWriter<byte> output);
}

/// <summary>
/// A member value left out of <see cref="CanonicalJson.WriteObject"/>'s output, so that a caller can
/// prepare an object once and splice that value in later; the writer records where it belongs.
/// </summary>
public sealed class Hole
{
    public int Offset { get; private set; } = -1;

    public JsonValue AsValue() => JsonValue.Create(this)!;

    internal void MarkAt(IBufferWriter<byte> output) => Offset = output is ArrayBufferWriter<byte> buffer
        ? buffer.WrittenCount
        : throw new InvalidOperationException("A hole's offset is known only when writing to an ArrayBufferWriter.");
}

public sealed class CanonicalJsonException(string message) : Exception(message);
