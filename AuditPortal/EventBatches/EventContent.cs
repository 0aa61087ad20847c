using System.Buffers;
using AuditPortal.Data.Canonical;
using AuditPortal.Redaction;

namespace AuditPortal.EventBatches;

/// <summary>
/// An event's content as the parser validated it (messages, parameters, error text, template, change
/// note, comment), written straight to canonical JSON. It stands where a <c>JsonObject</c> tree per
/// event stood: objects, arrays and a node per string, then a sorted copy of every object's members to
/// write them, which was most of what the request thread allocated per event (docs/benchmarks.md).
/// The bytes are those <see cref="CanonicalJson"/> writes for the equivalent tree, and redaction sees
/// every string value, as <see cref="ContentRedactor.Redact"/> does on a tree.
/// </summary>
public sealed class EventContent : ICanonicalWritable
{
    // Values: string, List<ContentMessage>, or a flat map (List<KeyValuePair<string, object>> of string,
    // long or bool). Few members (at most four): sorted when written.
    private readonly List<KeyValuePair<string, object>> _members = new(4);

    public void Add(string key, string text) => _members.Add(KeyValuePair.Create(key, (object)text));

    public void Add(string key, List<ContentMessage> messages) => _members.Add(KeyValuePair.Create(key, (object)messages));

    /// <param name="members">As <see cref="JsonObjectReader.FlatMembers"/> reads them: unique keys, string, long or bool values.</param>
    public void Add(string key, List<KeyValuePair<string, object>> members) => _members.Add(KeyValuePair.Create(key, (object)members));

    /// <summary>
    /// Redacts every string value in place; returns detector name → matches found (only those that fired),
    /// or null when none did or no detector is configured.
    /// </summary>
    public SortedDictionary<string, int>? Redact(ContentRedactor redactor)
    {
        if (!redactor.Enabled) return null;
        var fired = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _members.Count; i++)
        {
            var (key, value) = _members[i];
            switch (value)
            {
                case string text:
                    _members[i] = KeyValuePair.Create(key, (object)redactor.RedactText(text, fired));
                    break;
                case List<ContentMessage> messages:
                    foreach (var message in messages) message.Redact(redactor, fired);
                    break;
                case List<KeyValuePair<string, object>> map:
                    RedactStrings(map, redactor, fired);
                    break;
            }
        }
        return fired.Count > 0 ? fired : null;
    }

    public void WriteCanonical(IBufferWriter<byte> output) => WriteObject(_members, output, WriteValue);

    private static void WriteValue(object value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case List<ContentMessage> messages:
                output.Write("["u8);
                for (var i = 0; i < messages.Count; i++)
                {
                    if (i > 0) output.Write(","u8);
                    messages[i].WriteCanonical(output);
                }
                output.Write("]"u8);
                break;
            case List<KeyValuePair<string, object>> map:
                WriteObject(map, output, WriteScalar);
                break;
            default:
                WriteScalar(value, output);
                break;
        }
    }

    private static void WriteScalar(object value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case string text: CanonicalJson.WriteString(text, output); break;
            case long integer: CanonicalJson.WriteInteger(integer, output); break;
            case bool flag: output.Write(flag ? "true"u8 : "false"u8); break;
            default: throw new CanonicalJsonException($"Unsupported content value {value.GetType().Name}.");
        }
    }

    /// <param name="members">Sorted in place.</param>
    private static void WriteObject(List<KeyValuePair<string, object>> members, IBufferWriter<byte> output,
        Action<object, IBufferWriter<byte>> writeValue)
    {
        // RFC 8785 §3.2.3, as CanonicalJson sorts: by the UTF-16 code units of the key.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (string.Equals(members[i].Key, members[i - 1].Key, StringComparison.Ordinal))
                    throw new CanonicalJsonException($"Duplicate key \"{members[i].Key}\".");
                output.Write(","u8);
            }
            CanonicalJson.WriteString(members[i].Key, output);
            output.Write(":"u8);
            writeValue(members[i].Value, output);
        }
        output.Write("}"u8);
    }

    internal static void RedactStrings(List<KeyValuePair<string, object>> map, ContentRedactor redactor, IDictionary<string, int> fired)
    {
        for (var i = 0; i < map.Count; i++)
            if (map[i].Value is string text) map[i] = KeyValuePair.Create(map[i].Key, (object)redactor.RedactText(text, fired));
    }
}
