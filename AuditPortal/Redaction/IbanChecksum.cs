namespace AuditPortal.Redaction;

/// <summary>ISO 13616 mod-97 check of an IBAN (already upper-case, without spaces).</summary>
public static class IbanChecksum
{
    public static bool IsValid(string iban)
    {
        if (iban.Length is < 15 or > 34) return false;
        // Move the country and check digits to the end, read letters as 10..35, and take the number mod 97 digit by digit.
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            if (c is >= '0' and <= '9') remainder = (remainder * 10 + (c - '0')) % 97;
            else if (c is >= 'A' and <= 'Z') remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }
}
