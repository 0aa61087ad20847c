using System.Buffers;
using AuditPortal.Data.Canonical;
using AuditPortal.Redaction;

namespace AuditPortal.EventBatches;

/// <summary>One input or output message; a field the parser refused stays null and is left out.</summary>
public sealed class ContentMessage
{
    public string? Role { get; set; }
    public string? Content { get; set; }
    public string? Name { get; set; }

    internal void Redact(ContentRedactor redactor, IDictionary<string, int> fired)
    {
        if (Role is not null) Role = redactor.RedactText(Role, fired);
        if (Content is not null) Content = redactor.RedactText(Content, fired);
        if (Name is not null) Name = redactor.RedactText(Name, fired);
    }

    /// <summary>Members in canonical order: "content" &lt; "name" &lt; "role".</summary>
    internal void WriteCanonical(IBufferWriter<byte> output)
    {
        output.Write("{"u8);
        var first = true;
        Member("content"u8, Content, output, ref first);
        Member("name"u8, Name, output, ref first);
        Member("role"u8, Role, output, ref first);
        output.Write("}"u8);
    }

    private static void Member(ReadOnlySpan<byte> key, string? value, IBufferWriter<byte> output, ref bool first)
    {
        if (value is null) return;
        if (!first) output.Write(","u8);
        first = false;
        output.Write("\""u8);
        output.Write(key);
        output.Write("\":"u8);
        CanonicalJson.WriteString(value, output);
    }
}
