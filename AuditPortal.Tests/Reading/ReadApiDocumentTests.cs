using System.Text.Json.Nodes;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Reading;

/// <summary>The OpenAPI document describes the timeline's body (the proofs' were typed already), so a client can be generated from it.</summary>
[Collection("sqlite")]
public sealed class ReadApiDocumentTests(SqlitePortalFixture fixture) : IClassFixture<SqlitePortalFixture>
{
    [Fact]
    public async Task TheTimelineDescribesItsPageAndItsValidationProblem()
    {
        const string path = "/api/v1/events", schema = "EventPageResponse";
        using var client = fixture.Portal.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var responses = document["paths"]![path]!["get"]!["responses"]!;

        Assert.Equal($"#/components/schemas/{schema}", (string?)responses["200"]?["content"]?["application/json"]?["schema"]?["$ref"]);
        Assert.NotNull(responses["400"]?["content"]?["application/problem+json"]);
        Assert.NotNull(document["components"]!["schemas"]![schema]!["properties"]);
    }

    [Fact]
    public async Task AnEventItemNamesTheEnvelopeFieldsAndTheLeafHash()
    {
        using var client = fixture.Portal.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var item = document["components"]!["schemas"]!["EventItem"]!["properties"]!.AsObject();

        foreach (var field in new[] { "sequence", "id", "type", "occurredAt", "recordedAt", "actor", "submittedBy", "content", "leafHash", "disclosedContent", "contentSalt", "contentPurged", "purgedBy" })
            Assert.True(item.ContainsKey(field), $"EventItem has no {field}");
        var purge = document["components"]!["schemas"]!["ContentPurge"]!["properties"]!.AsObject();
        foreach (var field in new[] { "reason", "policy", "policyVersion", "days", "erasure", "purgedAt", "tombstone", "description" })
            Assert.True(purge.ContainsKey(field), $"ContentPurge has no {field}");
    }
}
