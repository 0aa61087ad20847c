using AuditPortal;
using AuditPortal.Cli;
using AuditPortal.Components;
using AuditPortal.Infrastructure;

if (PortalCommandLine.IsVerb(args)) return await PortalCommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddAuditPortal();
builder.AddPortalDashboard();

var app = builder.Build();
await app.PrepareLedgerAsync();
app.UsePortalSecurityHeaders();
app.MapAuditPortal();
app.MapPortalDashboard();
await app.RunAsync();
return 0;

/// <summary>Marker for WebApplicationFactory (every web project's Program is public in .NET 10).</summary>
public sealed class AuditPortalEntryPoint;
