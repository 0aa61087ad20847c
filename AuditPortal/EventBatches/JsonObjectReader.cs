using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Infrastructure;

namespace AuditPortal.EventBatches;

/// <summary>
/// Reads one JSON object field by field, recording a path-named error for every wrong type, missing
/// field, out-of-range value or unknown property, so one response lists everything to fix.
/// </summary>
public readonly struct JsonObjectReader(JsonElement element, string path, FieldErrors errors)
{
    public string Path { get; } = path;
    public FieldErrors Errors { get; } = errors;

    public string At(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>Reports unknown and duplicated properties; every object the parser accepts passes through here.</summary>
    public void RejectUnknown(IReadOnlySet<string> allowed)
    {
        if (!TryRejectUnknownWithoutStrings(allowed)) RejectUnknownByName(allowed);
    }

    private void RejectUnknownByName(IReadOnlySet<string> allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name)) Errors.Add(At(property.Name), "appears more than once; duplicate keys are ambiguous and rejected");
            else if (!allowed.Contains(property.Name)) Errors.Add(At(property.Name), "is not a recognised field here");
        }
    }

    /// <summary>
    /// The common case without allocating: every name unescaped, so its raw UTF-8 bytes are the name,
    /// and every name allowed and once only. Anything else (an escape, a long name, an unknown or a
    /// repeated field, a set that cannot be searched by span) returns false, and
    /// <see cref="RejectUnknownByName"/> decides and words the errors exactly as it always has.
    /// </summary>
    private bool TryRejectUnknownWithoutStrings(IReadOnlySet<string> allowed)
    {
        if (allowed is not HashSet<string> set || !set.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup)) return false;
        var count = element.GetPropertyCount();
        if (count > MaxPropertiesWithoutStrings) return false;
        var properties = ArrayPool<JsonProperty>.Shared.Rent(count);
        try
        {
            Span<char> name = stackalloc char[MaxNameBytesWithoutStrings];
            var i = 0;
            foreach (var property in element.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                if (raw.Length > MaxNameBytesWithoutStrings || raw.Contains((byte)'\\')) return false;
                var length = Encoding.UTF8.GetChars(raw, name);
                if (!lookup.Contains(name[..length])) return false;
                for (var j = 0; j < i; j++)
                    if (raw.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(properties[j]))) return false;
                properties[i++] = property;
            }
            return true;
        }
        finally
        {
            ArrayPool<JsonProperty>.Shared.Return(properties, clearArray: true);
        }
    }

    // Objects the API defines have at most ~25 fields and names of at most ~16 bytes; beyond these
    // bounds the quadratic duplicate check and the stack buffer would not pay, so the named path runs.
    private const int MaxPropertiesWithoutStrings = 64;
    private const int MaxNameBytesWithoutStrings = 64;

    public bool Has(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name, bool required, int maxLength, bool multiline = false)
    {
        if (!Present(name, required, out var value)) return null;
        // The path is built only for an error: most fields are valid, and paths were a large share of allocations.
        if (ReadString(value, maxLength, multiline, out var text) is { } error) Errors.Add(At(name), error);
        return text;
    }

    public string? OneOf(string name, bool required, IReadOnlySet<string> allowed)
    {
        var value = String(name, required, 64);
        if (value is not null && !allowed.Contains(value))
        {
            Errors.Add(At(name), $"must be one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
            return null;
        }
        return value;
    }

    public long? Integer(string name, bool required, long min, long max)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number) { Errors.Add(At(name), "must be an integer"); return null; }
        if (!value.TryGetInt64(out var number))
        {
            Errors.Add(At(name), IsIntegral(value) ? $"must be between {min} and {max}" : "must be an integer");
            return null;
        }
        if (number < min || number > max) { Errors.Add(At(name), $"must be between {min} and {max}"); return null; }
        return number;
    }

    public JsonObjectReader? Object(string name, bool required)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) { Errors.Add(At(name), "must be an object"); return null; }
        return new JsonObjectReader(value, At(name), Errors);
    }

    public IReadOnlyList<JsonObjectReader>? ArrayOfObjects(string name, bool required, int minItems, int maxItems)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) { Errors.Add(At(name), "must be an array"); return null; }
        var count = value.GetArrayLength();
        if (count < minItems || count > maxItems) { Errors.Add(At(name), $"must have {minItems} to {maxItems} items"); return null; }
        var items = new List<JsonObjectReader>(count);
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{At(name)}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { Errors.Add(itemPath, "must be an object"); continue; }
            items.Add(new JsonObjectReader(item, itemPath, Errors));
        }
        return items;
    }

    /// <summary>A flat object of string, number and boolean values (attributes), in canonical form.</summary>
    public JsonObject? FlatMap(string name, int maxProperties, int maxKeyLength, int maxValueLength)
    {
        if (FlatMembers(name, maxProperties, maxKeyLength, maxValueLength) is not { } members) return null;
        var result = new JsonObject();
        foreach (var (key, value) in members)
        {
            result[key] = value switch
            {
                string text => JsonValue.Create(text),
                long integer => JsonValue.Create(integer),
                _ => JsonValue.Create((bool)value),
            };
        }
        return result;
    }

    /// <summary>
    /// The members of a flat object as <see cref="FlatMap"/> validates them, without a node per value:
    /// each value a string (decimals included, as <see cref="CanonicalNumber"/> carries them), a boxed
    /// <see cref="long"/> or a boxed <see cref="bool"/>. Keys are unique and in the order sent.
    /// </summary>
    public List<KeyValuePair<string, object>>? FlatMembers(string name, int maxProperties, int maxKeyLength, int maxValueLength)
    {
        if (!Present(name, required: false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) { Errors.Add(At(name), "must be an object of string, number or boolean values"); return null; }
        var result = new List<KeyValuePair<string, object>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            var key = property.Name;
            var path = $"{At(name)}.{key}";
            if (!seen.Add(key))
            {
                Errors.Add(path, "appears more than once; duplicate keys are ambiguous and rejected");
                continue;
            }
            if (++count > maxProperties) { Errors.Add(At(name), $"must have at most {maxProperties} properties"); return null; }
            if (key.Length is 0 || key.Length > maxKeyLength || key.Any(char.IsControl))
            {
                Errors.Add(path, $"names must be 1 to {maxKeyLength} characters without control characters");
                continue;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    if (ReadString(property.Value, maxValueLength, multiline: true, out var s) is { } invalid) Errors.Add(path, invalid);
                    else result.Add(KeyValuePair.Create(key, (object)s!));
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    result.Add(KeyValuePair.Create(key, (object)property.Value.GetBoolean()));
                    break;
                case JsonValueKind.Number:
                    var number = CanonicalNumber.FromLiteralValue(property.Value.GetRawText(), out var error);
                    if (number is null) Errors.Add(path, error!);
                    else result.Add(KeyValuePair.Create(key, number));
                    break;
                default:
                    Errors.Add(path, "must be a string, number or boolean (nested values and null are not allowed)");
                    break;
            }
        }
        return result;
    }

    private bool Present(string name, bool required, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Errors.Add(At(name), "is required");
        return false;
    }

    private static bool IsIntegral(JsonElement value)
    {
        var raw = value.GetRawText();
        return !raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E');
    }

    /// <returns>Why the value is not an acceptable string, or null with the string in <paramref name="text"/>.</returns>
    public static string? ReadString(JsonElement value, int maxLength, bool multiline, out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String) return "must be a string";
        string read;
        try
        {
            read = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "is not valid Unicode (lone surrogate or invalid UTF-8)";
        }
        if (read.Length == 0) return "must not be empty";
        if (read.Length > maxLength) return $"must be at most {maxLength} characters";
        if (HasLoneSurrogate(read)) return "is not valid Unicode (lone surrogate)";
        // char.IsControl: U+0000–U+001F and U+007F–U+009F.
        if (read.AsSpan().ContainsAny(multiline ? MultilineControls : Controls))
            return multiline ? "must not contain control characters other than tab and newlines" : "must not contain control characters";
        text = read;
        return null;
    }

    private static readonly SearchValues<char> Controls = SearchValues.Create(ControlCharacters(multiline: false));
    private static readonly SearchValues<char> MultilineControls = SearchValues.Create(ControlCharacters(multiline: true));

    private static string ControlCharacters(bool multiline)
    {
        var characters = new StringBuilder();
        for (var c = '\0'; c <= '\u009f'; c++)
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')) characters.Append(c);
        return characters.ToString();
    }

    private static bool HasLoneSurrogate(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }
}
