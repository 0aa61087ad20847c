using MudBlazor;

namespace AuditPortal.Components.Layout;

public static class PortalTheme
{
    /// <summary>
    /// The system font stack: no web font is downloaded (MudBlazor's default names Roboto, which the
    /// template fetches from Google Fonts; a compliance tool does not call third parties).
    /// </summary>
    private static readonly string[] SystemFonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    /// <summary>Status colours dark enough for WCAG AA contrast as alert text (MudBlazor's defaults are not).</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Success = "#1b7a34",
            Warning = "#8a5300",
            Error = "#c62828",
            Info = "#1565c0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
        },
    };
}
