// The viewer's IANA time zone (e.g. "Europe/Berlin"), for ViewerTimeZone.
export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
}
