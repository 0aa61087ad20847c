using System.Linq.Expressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Reading;

/// <summary>
/// Values the timeline's filters can be filled from (users, types, applications, models, prompts),
/// offered as suggestions while a reviewer types. Read from the indexed filter columns, one index seek
/// per distinct value (a loose index scan), so the cost grows with the number of values, not of
/// events; kept for <see cref="CacheFor"/> since new values are rare and typing is frequent.
/// Suggestions are not a search of events and are not recorded as one.
/// </summary>
public sealed class FilterSuggestions(IDbContextFactory<LedgerDbContext> factory, TimeProvider time)
{
    /// <summary>At most this many values per filter: a list a person can still scroll.</summary>
    public const int MaxValues = 200;

    /// <summary>
    /// SQLite has no index that starts with actor_id (docs/migrations.md), so users are read from the
    /// newest this-many events through the timeline index that carries actor_id.
    /// </summary>
    public const int RecentEventsForUsersOnSqlite = 20_000;

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private (FilterValues Values, DateTimeOffset ReadAt)? _cached;

    public async Task<FilterValues> ReadAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } values) return values;
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again) return again;
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var read = new FilterValues(
                await UsersAsync(db, cancellationToken),
                await DistinctAsync(db, e => e.Type, cancellationToken),
                await DistinctAsync(db, e => e.Application, cancellationToken),
                await DistinctAsync(db, e => e.Model, cancellationToken),
                await DistinctAsync(db, e => e.PromptName, cancellationToken));
            _cached = (read, time.GetUtcNow());
            return read;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private FilterValues? Fresh() =>
        _cached is { } cached && time.GetUtcNow() - cached.ReadAt < CacheFor ? cached.Values : null;

    private static async Task<IReadOnlyList<string>> UsersAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        if (db.Provider != LedgerProvider.Sqlite) return await DistinctAsync(db, e => e.ActorId, cancellationToken);
        var recent = await db.Entries.AsNoTracking()
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence)
            .Take(RecentEventsForUsersOnSqlite)
            .Select(e => e.ActorId).Distinct()
            .ToListAsync(cancellationToken);
        return [.. recent.Order(StringComparer.Ordinal).Take(MaxValues)];
    }

    /// <summary>
    /// Each step asks the column's index for the smallest value above the previous one: a seek, which
    /// every provider answers from an index that starts with the column.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DistinctAsync(LedgerDbContext db, Expression<Func<LedgerEntry, string?>> column,
        CancellationToken cancellationToken)
    {
        var values = new List<string>();
        string? previous = null;
        while (values.Count < MaxValues)
        {
            var next = await db.Entries.AsNoTracking()
                .Where(IsSet(column))
                .Where(Above(column, previous))
                .OrderBy(column)
                .Select(column)
                .FirstOrDefaultAsync(cancellationToken);
            if (next is null) break;
            values.Add(next);
            previous = next;
        }
        return values;
    }

    // column != null: lets SQLite use the partial indexes (… IS NOT NULL) of the nullable columns.
    private static Expression<Func<LedgerEntry, bool>> IsSet(Expression<Func<LedgerEntry, string?>> column) =>
        Expression.Lambda<Func<LedgerEntry, bool>>(
            Expression.NotEqual(column.Body, Expression.Constant(null, typeof(string))), column.Parameters);

    // string.Compare(column, previous) > 0, which EF translates to column > @previous.
    private static Expression<Func<LedgerEntry, bool>> Above(Expression<Func<LedgerEntry, string?>> column, string? previous)
    {
        if (previous is null) return _ => true;
        Expression<Func<string>> parameter = () => previous;
        var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!,
            column.Body, parameter.Body);
        return Expression.Lambda<Func<LedgerEntry, bool>>(Expression.GreaterThan(compare, Expression.Constant(0)), column.Parameters);
    }
}

/// <summary>Known values of each filter, in ordinal order.</summary>
public sealed record FilterValues(
    IReadOnlyList<string> Users, IReadOnlyList<string> Types, IReadOnlyList<string> Applications,
    IReadOnlyList<string> Models, IReadOnlyList<string> Prompts)
{
    public static readonly FilterValues None = new([], [], [], [], []);
}
