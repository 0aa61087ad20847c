namespace AuditPortal.Features.Demo;

/// <summary>One ingestion request of the demo: a body in the POST /api/v1/events format, sent by one service account.</summary>
public sealed record DemoBatch(string Submitter, ReadOnlyMemory<byte> Body, int Count);
