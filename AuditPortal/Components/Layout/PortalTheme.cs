using MudBlazor;

namespace AuditPortal.Components.Layout;

public static class PortalTheme
{
    /// <summary>
    /// The system font stack: no web font is downloaded (MudBlazor's default names Roboto, which the
    /// template fetches from Google Fonts; a compliance tool does not call third parties).
    /// </summary>
    private static readonly string[] SystemFonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
        },
    };
}
