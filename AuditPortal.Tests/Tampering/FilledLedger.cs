using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// A ledger filled through the real portal: one config event (the API key), then six batches of
/// ten calls, so entries 1–60 are sealed ten at a time, with checkpoints anchored midway and at the end.
/// </summary>
public static class FilledLedger
{
    public const int Batches = 6;
    public const int BatchSize = 10;
    public const long Size = 1 + Batches * BatchSize;

    private static readonly Lazy<Task<TestLedger>> SqliteTemplate = new(() => TemplateAsync(LedgerProvider.Sqlite));
    private static readonly Lazy<Task<TestLedger>> PostgresTemplate = new(() => TemplateAsync(LedgerProvider.Postgres));

    /// <summary>
    /// A filled ledger of the test's own: a copy of one built once per provider and test run (building
    /// one takes a portal, six batches and two anchored checkpoints), or a fresh one when the test
    /// needs to act <paramref name="midway"/>.
    /// </summary>
    /// <param name="midway">Runs after the first three batches are checkpointed (e.g. to take a backup).</param>
    public static async Task<TestLedger> CreateAsync(LedgerProvider provider, Func<TestLedger, Task>? midway = null)
    {
        if (midway is not null) return await FillAsync(provider, midway);
        if (provider == LedgerProvider.Postgres) PostgresServer.Require(); // skips without a server before the template is built
        var template = await (provider == LedgerProvider.Sqlite ? SqliteTemplate : PostgresTemplate).Value;
        return await template.CopyAsync();
    }

    private static async Task<TestLedger> TemplateAsync(LedgerProvider provider)
    {
        var template = await FillAsync(provider, null);
        // Lives as long as the test run; its PostgreSQL database goes with the throwaway server.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(template.Folder, recursive: true); }
            catch (IOException) { }
        };
        return template;
    }

    private static async Task<TestLedger> FillAsync(LedgerProvider provider, Func<TestLedger, Task>? midway)
    {
        var ledger = await TestLedger.CreateAsync(provider);
        await using (var portal = new PortalFactory(ledger, TimeSpan.FromMilliseconds(100)))
        {
            var client = await portal.ClientWithKeyAsync("tamper-bot", ApiKeyScopes.Ingest);
            await File.WriteAllTextAsync(IngestKeyFile(ledger), client.DefaultRequestHeaders.Authorization!.Parameter);
            for (var batch = 0; batch < Batches; batch++)
            {
                await Events.PostAsync(client, [.. Enumerable.Range(0, BatchSize).Select(i =>
                    Events.LlmCall($"call-{batch}-{i}", actor: i % 2 == 0 ? "alice" : "bob", text: $"question {batch}.{i}"))]);
                if (batch == Batches / 2 - 1)
                {
                    await WaitForAnchorAsync(ledger, 1 + (batch + 1) * BatchSize);
                    if (midway is not null) await midway(ledger);
                }
            }
            await WaitForAnchorAsync(ledger, Size);
        }
        return ledger;
    }

    /// <summary>The "tamper-bot" ingest key, for a test that sends more as the same service.</summary>
    public static string IngestKey(TestLedger ledger) => File.ReadAllText(IngestKeyFile(ledger));

    private static string IngestKeyFile(TestLedger ledger) => Path.Combine(ledger.Folder, "tamper-bot.key");

    private static async Task WaitForAnchorAsync(TestLedger ledger, long size)
    {
        var anchors = new AnchorDirectory(ledger.AnchorDirectory);
        await Eventually.WaitUntilAsync(() => anchors.LargestTreeSize() >= size, $"no anchored checkpoint of size {size}");
    }
}
