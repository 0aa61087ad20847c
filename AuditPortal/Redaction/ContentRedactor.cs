using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AuditPortal.Redaction;

/// <summary>
/// Applies the configured detectors to every string in an event's content (messages, parameters,
/// error text, prompt template, change note, comment) before it is committed, and says how often
/// each fired so that the envelope can record it. Keys, ids and the envelope's own fields are left
/// alone: they are what a reviewer filters on, and a secret there would be refused at validation
/// rather than quietly rewritten.
/// </summary>
public sealed class ContentRedactor(RedactionPlan plan)
{
    public bool Enabled => plan.Steps.Count > 0;

    /// <summary>Redacts <paramref name="content"/> in place; returns detector name → matches found (only those that fired).</summary>
    public SortedDictionary<string, int> Redact(JsonObject content)
    {
        var fired = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (Enabled) Walk(content, fired);
        return fired;
    }

    /// <summary>One text, as <see cref="Redact"/> treats each string of the content.</summary>
    public string RedactText(string text, IDictionary<string, int> fired)
    {
        var profile = TextProfile.Of(text);
        foreach (var (detector, action) in plan.Steps)
        {
            if (!detector.MayMatch(profile)) continue;
            var builder = default(StringBuilder);
            var copied = 0;
            for (var match = detector.Pattern.Match(text); match.Success; match = match.NextMatch())
            {
                if (!detector.IsMatch(text, match)) continue;
                fired[detector.Name] = fired.TryGetValue(detector.Name, out var n) ? n + 1 : 1;
                if (action == RedactionAction.Keep) continue;
                builder ??= new StringBuilder(text.Length);
                builder.Append(text, copied, match.Index - copied).Append(Replacement(detector, action, match.Value));
                copied = match.Index + match.Length;
            }
            if (builder is not null) text = builder.Append(text, copied, text.Length - copied).ToString();
        }
        return text;
    }

    private void Walk(JsonNode node, IDictionary<string, int> fired)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        var redacted = RedactText(text, fired);
                        if (!ReferenceEquals(redacted, text)) obj[key] = redacted;
                    }
                    else if (obj[key] is { } child) Walk(child, fired);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        var redacted = RedactText(text, fired);
                        if (!ReferenceEquals(redacted, text)) array[i] = redacted;
                    }
                    else if (array[i] is { } child) Walk(child, fired);
                }
                break;
        }
    }

    private string Replacement(PiiDetector detector, RedactionAction action, string value) => action switch
    {
        RedactionAction.Mask => $"[redacted:{detector.Name}]",
        // 64 bits of HMAC-SHA-256 link equal values across events without revealing them.
        _ => $"[{detector.Name}:{Convert.ToHexStringLower(HMACSHA256.HashData(plan.HashKey.Span, Encoding.UTF8.GetBytes(detector.Name + "\0" + detector.Normalize(value))).AsSpan(0, 8))}]",
    };
}
