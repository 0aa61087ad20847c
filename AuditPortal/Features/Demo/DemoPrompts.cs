using static AuditPortal.Features.Demo.DemoCast;

namespace AuditPortal.Features.Demo;

/// <summary>
/// One version of a demo prompt and what happened to it. <paramref name="At"/> is where in the demo
/// window (0 = its start, 1 = now) the version was written; the decision and publication follow
/// within hours. A version with <paramref name="Rejection"/> is rejected and never published.
/// </summary>
public sealed record DemoPromptVersion(
    string Prompt, int Version, int? Parent, double At, DemoPerson Author, DemoPerson Decider, DemoPerson? Publisher,
    string ChangeNote, string Template, string Comment, bool Rejection = false);

/// <summary>
/// The prompt histories of the demo: every version written by one person and approved by another,
/// published by a third or by the approver, and one rejected version (support-reply v4, which
/// dropped the disclaimer Legal requires).
/// </summary>
public static class DemoPrompts
{
    private const string Disclaimer = "End with: \"This answer is general information, not a claim decision.\"";

    public static readonly DemoPromptVersion[] Versions =
    [
        new("support-reply", 1, null, 0.00, Alice, Bob, Bob,
            "First version for the support assistant.",
            "You are a helpful support agent for Contoso Insurance. Answer the customer's question about {{topic}} politely and briefly. Never promise a claim outcome.",
            "Reviewed against the customer-communication policy."),
        new("support-reply", 2, 1, 0.22, Carol, Alice, Alice,
            "Adds the escalation path and the disclaimer required by Legal (ticket LEG-482).",
            "You are a helpful support agent for Contoso Insurance. Answer the customer's question about {{topic}} politely and briefly. Never promise a claim outcome. If the customer is upset or mentions a complaint, offer to escalate to a human agent. " + Disclaimer,
            "Disclaimer wording matches LEG-482."),
        new("support-reply", 3, 2, 0.45, Alice, Bob, Erin,
            "Asks for the policy number before answering questions about cover.",
            "You are a helpful support agent for Contoso Insurance. Before answering a question about cover, ask for the policy number. Answer the customer's question about {{topic}} politely and briefly. Never promise a claim outcome. If the customer is upset or mentions a complaint, offer to escalate to a human agent. " + Disclaimer,
            "Policy-number check agreed with the fraud team."),
        new("support-reply", 4, 3, 0.62, Alice, Bob, null,
            "Shorter answers; drops the disclaimer to save tokens.",
            "You are a support agent for Contoso Insurance. Before answering a question about cover, ask for the policy number. Answer about {{topic}} in at most two sentences.",
            "Removes the disclaimer Legal requires (LEG-482).", Rejection: true),
        new("support-reply", 5, 3, 0.70, Dmitri, Bob, Bob,
            "Shorter answers, keeping the disclaimer; replies in the customer's language.",
            "You are a helpful support agent for Contoso Insurance. Reply in the customer's language. Before answering a question about cover, ask for the policy number. Answer the customer's question about {{topic}} in at most four sentences. Never promise a claim outcome. If the customer is upset or mentions a complaint, offer to escalate to a human agent. " + Disclaimer,
            "Keeps LEG-482's disclaimer; language rule tested on 40 transcripts."),

        new("claim-summary", 1, null, 0.02, Julia, Kwame, Kwame,
            "Handover summaries for claims handlers.",
            "Summarise the claim {{claimId}} for a colleague taking it over: cause, dates, documents received, open questions. Use neutral language.",
            "Fields match the handover checklist."),
        new("claim-summary", 2, 1, 0.40, Kwame, Julia, Erin,
            "Lists missing documents as a checklist.",
            "Summarise the claim {{claimId}} for a colleague taking it over: cause, dates, documents received, open questions. List missing documents as a checklist. Use neutral language.",
            "Checklist format approved by the claims team."),
        new("claim-summary", 3, 2, 0.75, Julia, Dmitri, Dmitri,
            "Never includes bank details or health data in a summary (GDPR review DP-19).",
            "Summarise the claim {{claimId}} for a colleague taking it over: cause, dates, documents received, open questions. List missing documents as a checklist. Never include bank details or health data. Use neutral language.",
            "Matches the outcome of data-protection review DP-19."),

        new("sales-followup", 1, null, 0.05, Lena, Carol, Carol,
            "Follow-up e-mails for quotes.",
            "Write a short, friendly follow-up e-mail about {{subject}}. No discounts beyond those in the quote.",
            "No pricing promises; fine."),
        new("sales-followup", 2, 1, 0.30, Gustavo, Lena, Lena,
            "Adds the opt-out sentence required for marketing e-mail.",
            "Write a short, friendly follow-up e-mail about {{subject}}. No discounts beyond those in the quote. End with the sentence: \"Reply STOP to receive no further offers.\"",
            "Opt-out wording as in the marketing policy."),
        new("sales-followup", 3, 2, 0.55, Lena, Carol, Carol,
            "Mentions the renewal date when the customer has one.",
            "Write a short, friendly follow-up e-mail about {{subject}}. Mention the renewal date when known. No discounts beyond those in the quote. End with the sentence: \"Reply STOP to receive no further offers.\"",
            "Fine."),
        new("sales-followup", 4, 3, 0.85, Carol, Gustavo, Lena,
            "Formal tone for business customers.",
            "Write a short follow-up e-mail about {{subject}} in a formal tone for business customers. Mention the renewal date when known. No discounts beyond those in the quote. End with the sentence: \"Reply STOP to receive no further offers.\"",
            "Tone checked with two fleet customers."),
    ];

    /// <summary>The version an application's call at <paramref name="at"/> (a window fraction) uses: the newest one published by then.</summary>
    public static DemoPromptVersion? InUseAt(string prompt, double at, double publicationDelay)
    {
        DemoPromptVersion? current = null;
        foreach (var version in Versions)
            if (version.Prompt == prompt && version.Publisher is not null && version.At + publicationDelay <= at)
                current = version;
        return current;
    }
}
