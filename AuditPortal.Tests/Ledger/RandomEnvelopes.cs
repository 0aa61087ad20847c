using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Events of every shape the search text and the copy columns meet: upper case, values long enough to
/// be cut at the text's cap, optional fields present or not, nested attributes, and now and then a
/// quote, a backslash, a line feed, a letter beyond ASCII or a character beyond the BMP (which take
/// the full path instead of the ASCII one).
/// </summary>
internal static class RandomEnvelopes
{
    public static EventDraft Draft(Random random)
    {
        var fields = new Dictionary<string, JsonNode>();
        if (random.Next(3) > 0) fields["application"] = Text(random, 1, 60, special: false);
        if (random.Next(3) > 0) fields["model"] = Text(random, 1, 40, special: false);
        if (random.Next(2) > 0) fields["provider"] = Text(random, 1, 20, special: false);
        if (random.Next(2) > 0) fields["prompt"] = new JsonObject { ["name"] = Text(random, 1, 40, special: false), ["version"] = (long)random.Next(1, 99) };
        var attributes = new JsonObject();
        for (var a = random.Next(0, 6); a > 0; a--)
        {
            attributes[$"K{a}"] = random.Next(5) switch
            {
                0 => new JsonArray(Text(random), 7, new JsonObject { ["deep"] = Text(random), ["flag"] = true }),
                1 => random.Next(1000),
                _ => Text(random),
            };
        }
        if (attributes.Count > 0) fields["attributes"] = attributes;
        return new EventDraft
        {
            EventId = Text(random, 1, 300, special: false),
            Type = random.Next(2) == 0 ? "llm.call" : "Prompt.Version.Created",
            OccurredAtUtc = new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 300)),
            Actor = new ActorRef(Text(random, 1, 200, special: false), ActorKinds.User, random.Next(2) == 0 ? null : Text(random, 1, 200)),
            SubmittedBy = new ActorRef(Text(random, 1, 100, special: false), ActorKinds.Service),
            Fields = fields,
            Content = Encoding.UTF8.GetBytes($"{{\"note\":\"entry {random.Next()}\"}}"),
        };
    }

    /// <param name="special">Whether a character that takes the full path may appear.</param>
    public static string Text(Random random, int min = 0, int max = 2 * Envelope.MaxSearchText / 3, bool special = true)
    {
        const string plain = "abcXYZ019 -_.:@/ABCdefGHIjklMNOpqrSTUvwxyz";
        var text = new StringBuilder();
        for (var length = random.Next(min, max); text.Length < length;) text.Append(plain[random.Next(plain.Length)]);
        if (special && random.Next(30) == 0)
            text.Insert(random.Next(text.Length + 1), new[] { "\"", "\\", "\n", "É", "€", "ΣΟΦΙΑ", "\U0001F600" }[random.Next(7)]);
        return text.ToString();
    }
}
