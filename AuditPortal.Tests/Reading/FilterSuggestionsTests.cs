using AuditPortal.Data.Ledger;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Reading;

/// <summary>The timeline's suggestions, read from the filter columns of a real ledger, on each provider.</summary>
public abstract class FilterSuggestionsTests(PortalFixture fixture)
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ListsEachKnownValueOnceInOrder()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest,
            Events.LlmCall($"{tag}-1", actor: $"zed-{tag}@example.com", model: $"model-b-{tag}", application: $"app-{tag}"),
            Events.LlmCall($"{tag}-2", actor: $"amy-{tag}@example.com", model: $"model-a-{tag}", application: $"app-{tag}"),
            Events.LlmCall($"{tag}-3", actor: $"amy-{tag}@example.com", model: $"model-b-{tag}", application: $"app-{tag}"));

        var values = await Suggestions(new TestClock()).ReadAsync(CancellationToken.None);

        Assert.Equal([$"model-a-{tag}", $"model-b-{tag}"], values.Models.Where(m => m.EndsWith(tag)));
        Assert.Equal([$"app-{tag}"], values.Applications.Where(a => a.EndsWith(tag)));
        Assert.Equal([$"amy-{tag}@example.com", $"zed-{tag}@example.com"], values.Users.Where(u => u.Contains(tag)));
        Assert.Contains("llm.call", values.Types);
        Assert.Equal(values.Models.Order(StringComparer.Ordinal), values.Models);
        Assert.Equal(values.Models.Distinct(), values.Models);
        await using var db = fixture.Ledger.OpenContext();
        Assert.Equal(await db.Entries.Select(e => e.Type).Distinct().OrderBy(t => t).ToListAsync(), values.Types.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AValueIsSuggestedOnceTheCacheHasExpired()
    {
        var clock = new TestClock();
        var suggestions = Suggestions(clock);
        await suggestions.ReadAsync(CancellationToken.None);
        var model = $"model-new-{Tag()}";
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{model}-1", model: model));

        Assert.DoesNotContain(model, (await suggestions.ReadAsync(CancellationToken.None)).Models);
        clock.Advance(FilterSuggestions.CacheFor);
        Assert.Contains(model, (await suggestions.ReadAsync(CancellationToken.None)).Models);
    }

    private FilterSuggestions Suggestions(TimeProvider clock) =>
        new(fixture.Portal.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>(), clock);

    private sealed class TestClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}

[Collection("sqlite")]
public sealed class SqliteFilterSuggestionsTests(SqlitePortalFixture fixture) : FilterSuggestionsTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresFilterSuggestionsTests(PostgresPortalFixture fixture) : FilterSuggestionsTests(fixture), IClassFixture<PostgresPortalFixture>;
