using AuditPortal;
using AuditPortal.Cli;
using AuditPortal.Features.Ledger;

if (PortalCommandLine.IsVerb(args)) return await PortalCommandLine.RunAsync(args);

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAuditPortal();

    var app = builder.Build();
    await app.PrepareLedgerAsync();
    app.MapAuditPortal();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusal.InOwnProcess(e) is { } refusal)
{
    return StartupRefusal.Report(refusal);
}

/// <summary>Marker for WebApplicationFactory (every web project's Program is public in .NET 10).</summary>
public sealed class AuditPortalEntryPoint;
