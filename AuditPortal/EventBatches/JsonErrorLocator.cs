using System.Text;
using System.Text.Json;

namespace AuditPortal.EventBatches;

/// <summary>
/// JsonDocument reports a syntax error by byte offset only. This re-reads the body token by token,
/// keeping the path, so the error can name the field it is in ("events[0].latencyMs").
/// </summary>
public static class JsonErrorLocator
{
    public static (string Path, string Message) Locate(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        var path = new List<Segment>();
        var reader = new Utf8JsonReader(json, options);
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (path.Count > 0 && path[^1].IsProperty) path[^1] = Segment.Property(reader.GetString()!);
                        break;
                    case JsonTokenType.StartObject:
                        Advance(path);
                        path.Add(Segment.Property(null));
                        break;
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(Segment.Item());
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        Complete(path);
                        break;
                    default:
                        Advance(path);
                        Complete(path);
                        break;
                }
            }
            return ("", "the body is not valid JSON");
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (Render(path), $"is not valid JSON: {(cut > 0 ? message[..cut] : message)}");
        }
    }

    // A value inside an array moves the array's index on.
    private static void Advance(List<Segment> path)
    {
        if (path.Count > 0 && !path[^1].IsProperty) path[^1] = path[^1].Next();
    }

    // Once a property's value is read, an error that follows belongs to the object, not to that property.
    private static void Complete(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].IsProperty) path[^1] = Segment.Property(null);
    }

    private static string Render(List<Segment> path)
    {
        var text = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.IsProperty)
            {
                if (segment.Name is null) break;
                if (text.Length > 0) text.Append('.');
                text.Append(segment.Name);
            }
            else if (segment.Index >= 0)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
        }
        return text.ToString();
    }

    private readonly record struct Segment(bool IsProperty, string? Name, int Index)
    {
        public static Segment Property(string? name) => new(true, name, -1);
        public static Segment Item() => new(false, null, -1);
        public Segment Next() => this with { Index = Index + 1 };
    }
}
