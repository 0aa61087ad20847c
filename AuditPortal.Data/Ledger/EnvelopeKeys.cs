using System.Text.Json;

namespace AuditPortal.Data.Ledger;

/// <summary>The envelope's top-level fields that anything reading its bytes treats apart from the rest.</summary>
internal enum EnvelopeKey { Other, V, Sequence, Content, Id, Type, OccurredAt, RecordedAt, Actor, SubmittedBy, Application, Model, Provider, Prompt }

/// <summary>The fields of the envelope's objects (actor, submittedBy, prompt) that readers of its bytes take.</summary>
internal enum EnvelopeMember { Other, Id, Kind, DisplayName, Name, Version }

/// <summary>
/// Names a property the reader is on, with one comparison for most names: a chain of
/// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> calls, one per known name, was a
/// measurable share of verify's walk of every envelope (docs/benchmarks.md). An escaped name (never
/// written by the canonical form, but valid JSON) is compared after unescaping.
/// </summary>
internal static class EnvelopeKeys
{
    public static EnvelopeKey Key(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return KeyUnescaped(reader.GetString()!);
        var name = reader.ValueSpan;
        return name.Length switch
        {
            1 when name[0] == (byte)'v' => EnvelopeKey.V,
            2 when name.SequenceEqual("id"u8) => EnvelopeKey.Id,
            4 when name.SequenceEqual("type"u8) => EnvelopeKey.Type,
            5 when name.SequenceEqual("actor"u8) => EnvelopeKey.Actor,
            5 when name.SequenceEqual("model"u8) => EnvelopeKey.Model,
            6 when name.SequenceEqual("prompt"u8) => EnvelopeKey.Prompt,
            7 when name.SequenceEqual("content"u8) => EnvelopeKey.Content,
            8 when name.SequenceEqual("sequence"u8) => EnvelopeKey.Sequence,
            8 when name.SequenceEqual("provider"u8) => EnvelopeKey.Provider,
            10 when name.SequenceEqual("occurredAt"u8) => EnvelopeKey.OccurredAt,
            10 when name.SequenceEqual("recordedAt"u8) => EnvelopeKey.RecordedAt,
            11 when name.SequenceEqual("submittedBy"u8) => EnvelopeKey.SubmittedBy,
            11 when name.SequenceEqual("application"u8) => EnvelopeKey.Application,
            _ => EnvelopeKey.Other,
        };
    }

    public static EnvelopeMember Member(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return MemberUnescaped(reader.GetString()!);
        var name = reader.ValueSpan;
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => EnvelopeMember.Id,
            4 when name.SequenceEqual("kind"u8) => EnvelopeMember.Kind,
            4 when name.SequenceEqual("name"u8) => EnvelopeMember.Name,
            7 when name.SequenceEqual("version"u8) => EnvelopeMember.Version,
            11 when name.SequenceEqual("displayName"u8) => EnvelopeMember.DisplayName,
            _ => EnvelopeMember.Other,
        };
    }

    private static EnvelopeKey KeyUnescaped(string name) => name switch
    {
        "v" => EnvelopeKey.V,
        "id" => EnvelopeKey.Id,
        "type" => EnvelopeKey.Type,
        "actor" => EnvelopeKey.Actor,
        "model" => EnvelopeKey.Model,
        "prompt" => EnvelopeKey.Prompt,
        "content" => EnvelopeKey.Content,
        "sequence" => EnvelopeKey.Sequence,
        "provider" => EnvelopeKey.Provider,
        "occurredAt" => EnvelopeKey.OccurredAt,
        "recordedAt" => EnvelopeKey.RecordedAt,
        "submittedBy" => EnvelopeKey.SubmittedBy,
        "application" => EnvelopeKey.Application,
        _ => EnvelopeKey.Other,
    };

    private static EnvelopeMember MemberUnescaped(string name) => name switch
    {
        "id" => EnvelopeMember.Id,
        "kind" => EnvelopeMember.Kind,
        "name" => EnvelopeMember.Name,
        "version" => EnvelopeMember.Version,
        "displayName" => EnvelopeMember.DisplayName,
        _ => EnvelopeMember.Other,
    };
}
