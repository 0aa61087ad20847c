using System.Globalization;

namespace AuditPortal.Features.Evidence;

/// <summary>README.txt: how an auditor checks the pack, with verify-pack and by hand with standard tools.</summary>
internal static class EvidenceReadme
{
    public static string Text(string origin, long treeSize, string verifierKey) => string.Create(CultureInfo.InvariantCulture, $$"""
        AuditPortal evidence pack (format auditportal-evidence/v1)
        ==========================================================

        Ledger (origin):   {{origin}}
        Checkpoint size:   {{treeSize}} entries
        Verifier key:      {{verifierKey}}

        Get the verifier key from the ledger's operator through a channel you trust (it is also published
        at /api/v1/checkpoints/key). The copy in verifier-key.txt is only as good as the pack it came in.


        What the pack holds
        -------------------
        * The events the filters in manifest.json select (the same filters as the portal's timeline and
          GET /api/v1/events), up to the checkpoint in checkpoint.txt.
        * Plus the lifecycle events (version created, approved, rejected, published) of every prompt
          version those events used, so "which calls used support-reply v3, and who approved v3" is
          answered, and verifiable, from this pack alone. The workbook's Events sheet says why each
          entry is in the pack.
        * entries.jsonl   one line per entry: {"sequence":n,"envelope":"<base64 of the stored envelope bytes>","leafHash":"<hex>"}
        * contents.jsonl  one line per disclosed content: {"sequence":n,"salt":"<hex>","content":"<base64 of the stored content bytes>"}
                          (empty when the pack was exported without content; contents that retention purged
                          are not there and are marked "purged" in the workbook)
        * proofs.json     {"treeSize":N,"rootHash":"<hex>","proofs":[{"sequence":n,"path":["<hex>",...]},...]}:
                          the RFC 9162 inclusion proof of every entry in the tree of checkpoint.txt
        * checkpoint.txt  the signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note)
        * verifier-key.txt  the ledger's verifier key (name+keyid+base64), C2SP signed-note form
        * evidence.xlsx   the same entries for people: Summary, Events, Prompt changes, Access, Integrity
        * manifest.json   format, origin, createdAt, exportedBy, filters, counts and the SHA-256 of every
                          other file
        * manifest.sig    a C2SP signed note by the ledger key whose text is three lines:
                          auditportal/evidence/v1, the origin, the hex SHA-256 of manifest.json


        Check it with verify-pack
        -------------------------
            AuditPortal verify-pack evidence-….zip --key '<verifier key>'
        (or: dotnet run --project AuditPortal -- verify-pack FILE --key KEY). It needs no database and no
        network. Exit 0: every check below passed. Exit 1: it names the first file or entry that failed
        and why. Exit 2: it could not run (for example the file is not readable). Without --key it trusts
        verifier-key.txt and says so.


        Check it by hand
        ----------------
        1. The manifest's signature. manifest.sig is a signed note: the text before the blank line, then
           "— <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>". Its text must be exactly
               auditportal/evidence/v1
               {{origin}}
               <the output of: sha256sum manifest.json>
           Check the signature over the text (with its final newline) with the verifier key, e.g. with
           Go's golang.org/x/mod/sumdb/note (note.Open with note.NewVerifier(key)), or any Ed25519 tool:
           the key is the base64 part of the verifier key after its first byte (0x01, the key type).
        2. The files. For every "name": "hash" under "files" in manifest.json, sha256sum name must print
           that hash. No other files may be in the pack.
        3. The checkpoint. checkpoint.txt is a signed note too; check its signature with the same key.
           Its text is three lines: the origin, the tree size and the base64 root hash. proofs.json's
           treeSize must be that size and its rootHash the same hash in hex.
        4. Every entry. For each line of entries.jsonl, base64-decode the envelope; SHA-256 of one zero
           byte followed by those bytes is the leaf hash, and it must equal leafHash. The envelope's
           "sequence" must be the line's sequence. Then the entry's proof in proofs.json (same
           sequence) must lead from the leaf hash to the root hash (RFC 9162 section 2.1.3.2):
               fn = sequence, sn = treeSize - 1, r = leaf hash
               for each p in path:
                   if sn == 0: fail
                   if fn is odd or fn == sn:
                       r = SHA-256(0x01 ‖ p ‖ r)
                       if fn is even: shift fn and sn right until fn is odd or fn == 0
                   else:
                       r = SHA-256(0x01 ‖ r ‖ p)
                   shift fn and sn right by one
               pass when sn == 0 and r == root hash
        5. Every content. For each line of contents.jsonl, SHA-256 of the ASCII bytes
           "auditportal/content/v1" and one zero byte, then the salt's bytes, then the base64-decoded
           content, must equal the hex after "sha256:" in the "content" field of the entry's envelope.
        6. The counts in manifest.json must equal the lines of entries.jsonl and contents.jsonl.

        The envelopes and contents are canonical JSON (docs/ledger-format.md of AuditPortal): hash the
        decoded bytes exactly as they are, never a re-serialised form.
        """);
}
