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
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name)) Errors.Add(At(property.Name), "appears more than once; duplicate keys are ambiguous and rejected");
            else if (!allowed.Contains(property.Name)) Errors.Add(At(property.Name), "is not a recognised field here");
        }
    }

    public bool Has(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name, bool required, int maxLength, bool multiline = false)
    {
        if (!Present(name, required, out var value)) return null;
        return ReadString(value, At(name), maxLength, multiline, Errors);
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

    /// <summary>A flat object of string, number and boolean values (attributes, parameters), in canonical form.</summary>
    public JsonObject? FlatMap(string name, int maxProperties, int maxKeyLength, int maxValueLength)
    {
        if (!Present(name, required: false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) { Errors.Add(At(name), "must be an object of string, number or boolean values"); return null; }
        var result = new JsonObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            var path = $"{At(name)}.{property.Name}";
            if (!seen.Add(property.Name))
            {
                Errors.Add(path, "appears more than once; duplicate keys are ambiguous and rejected");
                continue;
            }
            if (++count > maxProperties) { Errors.Add(At(name), $"must have at most {maxProperties} properties"); return null; }
            if (property.Name.Length is 0 || property.Name.Length > maxKeyLength || property.Name.Any(char.IsControl))
            {
                Errors.Add(path, $"names must be 1 to {maxKeyLength} characters without control characters");
                continue;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    if (ReadString(property.Value, path, maxValueLength, multiline: true, Errors) is { } s) result[property.Name] = s;
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    result[property.Name] = property.Value.GetBoolean();
                    break;
                case JsonValueKind.Number:
                    var number = CanonicalNumber.FromLiteral(property.Value.GetRawText(), out var error);
                    if (number is null) Errors.Add(path, error!);
                    else result[property.Name] = number;
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

    public static string? ReadString(JsonElement value, string path, int maxLength, bool multiline, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String) { errors.Add(path, "must be a string"); return null; }
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            errors.Add(path, "is not valid Unicode (lone surrogate or invalid UTF-8)");
            return null;
        }
        if (text.Length == 0) { errors.Add(path, "must not be empty"); return null; }
        if (text.Length > maxLength) { errors.Add(path, $"must be at most {maxLength} characters"); return null; }
        if (HasLoneSurrogate(text)) { errors.Add(path, "is not valid Unicode (lone surrogate)"); return null; }
        if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(path, multiline ? "must not contain control characters other than tab and newlines" : "must not contain control characters");
            return null;
        }
        return text;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }
}
