namespace AuditPortal.Data.Retention;

/// <summary>Which events a policy covers: each part optional; none at all is the default policy.</summary>
public sealed record RetentionScope(string? Type, string? Application, string? Model)
{
    public static readonly RetentionScope Default = new(null, null, null);

    /// <summary>How many parts are set: the most specific matching policy wins.</summary>
    public int Specificity => (Type is null ? 0 : 1) + (Application is null ? 0 : 1) + (Model is null ? 0 : 1);

    public bool Matches(string type, string? application, string? model) =>
        (Type is null || Type == type) && (Application is null || Application == application) && (Model is null || Model == model);

    public override string ToString() => Specificity == 0 ? "every event"
        : string.Join(", ", new[] { ("type", Type), ("application", Application), ("model", Model) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}"));
}
