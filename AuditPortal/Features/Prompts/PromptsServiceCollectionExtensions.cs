using AuditPortal.Ledger.Writing;

namespace AuditPortal.Features.Prompts;

public static class PromptsServiceCollectionExtensions
{
    /// <summary>Every writer (web host and CLI verbs alike) applies the prompt rules to what it appends.</summary>
    public static IServiceCollection AddPromptRules(this IServiceCollection services) =>
        services.AddSingleton<IAppendRule, PromptRules>();
}
