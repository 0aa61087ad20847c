namespace AuditPortal.Features.Demo;

/// <summary>A person in the demo company. Staff use the LLM applications and take turns writing and approving prompts.</summary>
public sealed record DemoPerson(string Id, string Name);

/// <summary>An application that calls models, the prompt it uses and what its users ask about.</summary>
public sealed record DemoApplication(string Name, string Prompt, int Weight, DemoPerson[] Users, string[] Requests, string[] Answers);

/// <summary>A model behind an alias, as the application reports it.</summary>
public sealed record DemoModel(string Name, string Provider, string ResponseModel, int Weight);

/// <summary>Who is who in the demo history: a dozen people, three applications, four models.</summary>
public static class DemoCast
{
    public static readonly DemoPerson Alice = new("alice.moreau@example.com", "Alice Moreau");
    public static readonly DemoPerson Bob = new("bob.okafor@example.com", "Bob Okafor");
    public static readonly DemoPerson Carol = new("carol.lindqvist@example.com", "Carol Lindqvist");
    public static readonly DemoPerson Dmitri = new("dmitri.petrov@example.com", "Dmitri Petrov");
    public static readonly DemoPerson Erin = new("erin.varga@example.com", "Erin Varga");
    public static readonly DemoPerson Farah = new("farah.haddad@example.com", "Farah Haddad");
    public static readonly DemoPerson Gustavo = new("gustavo.reyes@example.com", "Gustavo Reyes");
    public static readonly DemoPerson Hana = new("hana.sato@example.com", "Hana Sato");
    public static readonly DemoPerson Ivan = new("ivan.novak@example.com", "Ivan Novak");
    public static readonly DemoPerson Julia = new("julia.berg@example.com", "Julia Berg");
    public static readonly DemoPerson Kwame = new("kwame.mensah@example.com", "Kwame Mensah");
    public static readonly DemoPerson Lena = new("lena.fischer@example.com", "Lena Fischer");

    public static readonly DemoPerson[] People = [Alice, Bob, Carol, Dmitri, Erin, Farah, Gustavo, Hana, Ivan, Julia, Kwame, Lena];

    public static readonly DemoApplication[] Applications =
    [
        new("support-bot", "support-reply", 55, [Farah, Gustavo, Hana, Ivan, Alice],
            ["a windscreen claim", "changing my address", "travel cover in Norway", "a late payment", "adding a young driver",
             "a burst pipe in the kitchen", "cancelling my policy", "a stolen bicycle", "my no-claims bonus", "storm damage to the roof"],
            ["You can start online under My Policy › Requests, or reply here and I will guide you step by step.",
             "Your policy covers this up to the limit in section 4; an assessor will confirm the amount.",
             "I have noted the change; you will receive an updated certificate by e-mail within two working days.",
             "Please send photos and the receipt; the claims team replies within 48 hours."]),
        new("claims-assistant", "claim-summary", 25, [Julia, Kwame, Dmitri],
            ["Summarise claim CL-{n} for the handover note.", "List the documents still missing for claim CL-{n}.",
             "Draft a reply to the loss adjuster about claim CL-{n}."],
            ["Water damage in the kitchen, reported within 24 h, photos attached, estimate pending from the contractor.",
             "Missing: police report number and the original purchase receipt.",
             "Thank you for the report; we accept liability for the ceiling repair and ask for a revised quote for the flooring."]),
        new("sales-copilot", "sales-followup", 20, [Lena, Carol, Gustavo],
            ["Write a follow-up for the fleet quote Q-{n} sent last week.", "Suggest an upsell for a customer with home and car cover.",
             "Summarise the call notes for lead L-{n}."],
            ["Hi, following up on quote Q-{n}: the fleet discount holds until the end of the month. Shall we book a call?",
             "Offer the legal-expenses add-on: it suits customers who already hold two policies.",
             "Customer runs 14 vans, renewal in March, price-sensitive, wants a single invoice."]),
    ];

    public static readonly DemoModel[] Models =
    [
        new("gpt-4o", "openai", "gpt-4o-2024-08-06", 40),
        new("gpt-4o-mini", "azure.openai", "gpt-4o-mini-2024-07-18", 30),
        new("claude-sonnet-4", "anthropic", "claude-sonnet-4-20250514", 20),
        new("mistral-large", "mistral", "mistral-large-2411", 10),
    ];

    public static readonly string[] Errors =
    [
        "upstream timeout after 30 s",
        "429 rate limit exceeded; retry after 20 s",
        "the response was blocked by the provider's content filter",
    ];
}
