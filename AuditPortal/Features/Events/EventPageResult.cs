using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text;
using AuditPortal.Data.Retention;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Http.Metadata;

namespace AuditPortal.Features.Events;

/// <summary>
/// Writes a timeline page as <see cref="EventPageResponse"/> JSON, a row at a time: each item is the
/// stored envelope's own bytes with leafHash (and the content, or what purged it) appended, and contents are read in
/// groups while the response goes out, so a page of large contents is never built in memory
/// (issue 6 §6). The page's size is already capped by <see cref="TimelineService.MaxPageBytes"/>.
/// </summary>
public sealed class EventPageResult(TimelinePage page, TimelineService timeline) : IResult, IEndpointMetadataProvider
{
    // Flush once this much is buffered, so the response goes out while later contents are read.
    private const int FlushBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        // What purged each missing content, looked up once for the page (the tombstones are read once).
        var purges = page.Rows.Any(r => r.ContentPurged)
            ? await timeline.PurgesAsync(page.Rows, cancellationToken)
            : new Dictionary<long, RetentionTombstone?>();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;

        body.Write("{\"events\":["u8);
        IAsyncEnumerator<EventContent?>? contents = page.Rows.Count > 0 && page.Rows[0].ContentRequested
            ? timeline.ReadContentsAsync(page.Rows, cancellationToken).GetAsyncEnumerator(cancellationToken)
            : null;
        try
        {
            for (var i = 0; i < page.Rows.Count; i++)
            {
                var row = page.Rows[i];
                if (i > 0) body.Write(","u8);
                // A canonical envelope is one JSON object: its fields, then ours before the closing brace.
                if (row.Envelope.Length < 2 || row.Envelope[^1] != (byte)'}') throw new InvalidOperationException($"Entry {row.Sequence} is not a JSON object.");
                body.Write(row.Envelope.AsSpan(0, row.Envelope.Length - 1));
                Ascii(body, $",\"leafHash\":\"{row.LeafHashHex}\"");
                if (contents is not null)
                {
                    await contents.MoveNextAsync();
                    if (contents.Current is { } content)
                    {
                        body.Write(",\"disclosedContent\":"u8);
                        body.Write(content.Content.AsSpan());
                        Ascii(body, $",\"contentSalt\":\"{Convert.ToHexStringLower(content.Salt)}\"");
                    }
                    else
                    {
                        // A content purged after the page was read is looked up on its own.
                        var purgedBy = purges.TryGetValue(row.Sequence, out var known)
                            ? known
                            : (await timeline.PurgedByAsync([row.Sequence], cancellationToken))[row.Sequence];
                        body.Write(",\"disclosedContent\":null,\"contentPurged\":true,\"purgedBy\":"u8);
                        body.Write(JsonSerializer.SerializeToUtf8Bytes(ContentPurge.From(purgedBy), JsonSerializerOptions.Web));
                    }
                }
                body.Write("}"u8);
                if (body.UnflushedBytes >= FlushBytes) await body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            if (contents is not null) await contents.DisposeAsync();
        }
        body.Write("],\"nextCursor\":"u8);
        // Base64url: nothing in it needs escaping.
        Ascii(body, page.Next is { } next ? $"\"{next.Encode()}\"" : "null");
        body.Write("}"u8);
        await body.FlushAsync(cancellationToken);
    }

    private static void Ascii(System.IO.Pipelines.PipeWriter body, string text) => body.Write(Encoding.ASCII.GetBytes(text));

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EventPageResponse), ["application/json"]));
}
