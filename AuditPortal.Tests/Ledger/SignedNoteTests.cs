using System.Security.Cryptography;
using AuditPortal.Data.Signing;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// C2SP signed notes and tlog checkpoints, checked against the example in the package documentation of
/// Go's reference implementation, golang.org/x/mod/sumdb/note (note.go). Ed25519 signatures are
/// deterministic (RFC 8032), so signing the same text with the same key must give the same bytes.
/// </summary>
public class SignedNoteTests
{
    // Verbatim from golang.org/x/mod/sumdb/note/note.go, section "Example".
    private const string GoSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoText =
        "If you think cryptography is the answer to your problem,\n" +
        "then you don't know what your problem is.\n";
    private const string GoSignatureLine =
        "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string GoNote = GoText + "\n" + GoSignatureLine;
    // The same note re-signed by a second server, also from the documentation (EnochRoot's key is not published).
    private const string GoDoublySignedNote = GoNote +
        "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    // ---- interoperability with the Go reference implementation -----------------------------------

    [Fact]
    public void SigningTheGoExampleTextWithTheGoSignerKeyReproducesTheGoSignedNote()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey);

        Assert.Equal(GoNote, SignedNote.Sign(GoText, signer));
    }

    [Fact]
    public void TheGoSignerKeyHasTheGoNameKeyIdAndVerifierKey()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey);

        Assert.Equal("PeterNeumann", signer.Name);
        Assert.Equal(0xc74f20a3u, signer.KeyId);
        Assert.Equal(GoVerifierKey, signer.Verifier.ToString());
        Assert.Equal(GoSignerKey, signer.ToPrivateKeyText());
    }

    [Fact]
    public void TheGoVerifierKeyParsesAndPrintsBackUnchanged()
    {
        var verifier = NoteVerifier.Parse(GoVerifierKey);

        Assert.Equal("PeterNeumann", verifier.Name);
        Assert.Equal(0xc74f20a3u, verifier.KeyId);
        Assert.Equal(32, verifier.PublicKeyBytes.Length);
        Assert.Equal(GoVerifierKey, verifier.ToString());
    }

    [Fact]
    public void TheGoSignedNoteVerifiesWithTheGoVerifierKey()
    {
        var note = SignedNote.Parse(GoNote);

        Assert.Equal(GoText, note.Text);
        var signature = Assert.Single(note.Signatures);
        Assert.Equal("PeterNeumann", signature.KeyName);
        Assert.Equal(0xc74f20a3u, signature.KeyId);
        Assert.Equal(64, signature.Signature.Length);
        Assert.True(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    [Fact]
    public void TheGoDoublySignedNoteVerifiesWithTheKeyItKnowsAndKeepsTheOtherSignature()
    {
        var note = SignedNote.Parse(GoDoublySignedNote);

        Assert.Equal(GoText, note.Text);
        Assert.Equal(["PeterNeumann", "EnochRoot"], note.Signatures.Select(s => s.KeyName));
        Assert.True(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    // ---- verification failures -------------------------------------------------------------------

    [Fact]
    public void TamperedTextFailsVerification()
    {
        var tampered = GoNote.Replace("your problem,", "your problem;", StringComparison.Ordinal);

        var note = SignedNote.Parse(tampered);

        Assert.False(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    [Fact]
    public void AppendedTextFailsVerification()
    {
        var note = SignedNote.Parse("extra line\n" + GoNote);

        Assert.False(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    [Fact]
    public void TamperedSignatureFailsVerification()
    {
        var original = SignedNote.Parse(GoNote);
        var signature = original.Signatures[0];
        var flipped = signature.Signature.ToArray();
        flipped[10] ^= 0x01;

        var note = original with { Signatures = [signature with { Signature = flipped }] };

        Assert.False(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    [Fact]
    public void AnotherKeyWithTheSameNameDoesNotVerify()
    {
        using var impostor = NoteSigner.Generate("PeterNeumann");

        Assert.False(SignedNote.Parse(GoNote).IsSignedBy(impostor.Verifier));
        Assert.False(SignedNote.Parse(SignedNote.Sign(GoText, impostor)).IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    [Fact]
    public void TheSameKeyUnderAnotherNameDoesNotVerify()
    {
        var renamed = new NoteVerifier("PaulNeumann", NoteVerifier.Parse(GoVerifierKey).PublicKeyBytes);

        Assert.False(SignedNote.Parse(GoNote).IsSignedBy(renamed));
    }

    [Fact]
    public void ASignatureLineClaimingTheRightKeyIdButWrongNameDoesNotVerify()
    {
        var note = SignedNote.Parse(GoNote.Replace("\u2014 PeterNeumann ", "\u2014 PaulNeumann ", StringComparison.Ordinal));

        Assert.False(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
    }

    // ---- malformed notes -------------------------------------------------------------------------

    [Fact]
    public void ANoteWithoutABlankLineBeforeItsSignaturesIsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoText + GoSignatureLine));
    }

    [Fact]
    public void ANoteWhoseSignatureBlockLacksTheTrailingNewlineIsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoNote[..^1]));
    }

    [Fact]
    public void ANoteWithAnEmptySignatureBlockIsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoText + "\n"));
    }

    [Fact]
    public void ASignatureThatIsNotBase64IsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoText + "\n\u2014 PeterNeumann not*base64!\n"));
    }

    [Fact]
    public void ASignatureTooShortToHoldAKeyIdIsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoText + "\n\u2014 PeterNeumann AAAA\n"));
    }

    [Theory]
    [InlineData("- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("\u2014PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("\u2014 x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    public void ASignatureLineWithoutTheEmDashNameAndSignatureIsRejected(string signatureLine)
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse(GoText + "\n" + signatureLine));
    }

    [Fact]
    public void NoteTextWithControlCharactersIsRejected()
    {
        Assert.Throws<FormatException>(() => SignedNote.Parse("bell\u0007\n\n" + GoSignatureLine));
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey);
        Assert.Throws<FormatException>(() => SignedNote.Sign("tab\there\n", signer));
    }

    [Fact]
    public void SigningTextWithoutATrailingNewlineIsRefused()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey);

        Assert.Throws<FormatException>(() => SignedNote.Sign("no newline", signer));
        Assert.Throws<FormatException>(() => SignedNote.Sign("", signer));
    }

    // ---- keys ------------------------------------------------------------------------------------

    [Fact]
    public void TryParseRejectsAVerifierKeyWithTheWrongKeyId()
    {
        Assert.False(NoteVerifier.TryParse(GoVerifierKey.Replace("c74f20a3", "c74f20a4", StringComparison.Ordinal), out _, out var error));
        Assert.Contains("c74f20a3", error);
    }

    [Fact]
    public void TryParseRejectsAVerifierKeyRenamedWithoutRecomputingTheKeyId()
    {
        Assert.False(NoteVerifier.TryParse(GoVerifierKey.Replace("PeterNeumann", "PaulNeumann", StringComparison.Ordinal), out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("PeterNeumann")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("PeterNeumann+c74f20a3+not*base64")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")] // wrong length
    [InlineData("PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // unknown algorithm byte
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // space in the name
    public void TryParseRejectsMalformedVerifierKeys(string text)
    {
        Assert.False(NoteVerifier.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => NoteVerifier.Parse(text));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")] // no PRIVATE+KEY+ prefix
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")] // wrong key id
    [InlineData("PRIVATE+KEY+PaulNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")] // renamed
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AAAA")]
    public void ParsePrivateKeyTextRejectsMalformedSignerKeys(string text)
    {
        Assert.Throws<FormatException>(() => NoteSigner.ParsePrivateKeyText(text));
    }

    [Fact]
    public void GeneratedKeysRoundTripThroughTheirTextFormsEvenWhenTheBase64ContainsAPlus()
    {
        // A base64 key contains '+' about half the time; that '+' must not be taken for a field separator.
        var sawPlusInSigner = false;
        var sawPlusInVerifier = false;
        for (var i = 0; i < 200 && !(sawPlusInSigner && sawPlusInVerifier); i++)
        {
            using var signer = NoteSigner.Generate("auditportal.example/log");
            var signerText = signer.ToPrivateKeyText();
            var verifierText = signer.Verifier.ToString();
            sawPlusInSigner |= signerText.Split('+').Length > 5;
            sawPlusInVerifier |= verifierText.Split('+').Length > 3;

            using var reparsed = NoteSigner.ParsePrivateKeyText(signerText);
            var verifier = NoteVerifier.Parse(verifierText);

            Assert.Equal(signer.KeyId, reparsed.KeyId);
            Assert.Equal(verifierText, reparsed.Verifier.ToString());
            Assert.Equal(signer.Verifier.PublicKeyBytes, verifier.PublicKeyBytes);
            Assert.True(SignedNote.Parse(SignedNote.Sign("hello\n", reparsed)).IsSignedBy(verifier));
        }
        Assert.True(sawPlusInSigner && sawPlusInVerifier);
    }

    [Fact]
    public void SignerKeyTextToleratesSurroundingWhitespaceAsInAKeyFile()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey + "\n");

        Assert.Equal(0xc74f20a3u, signer.KeyId);
    }

    // ---- checkpoints -----------------------------------------------------------------------------

    private static readonly byte[] Root = SHA256.HashData("root"u8);

    [Fact]
    public void CheckpointNoteTextIsOriginSizeAndBase64RootOnePerLine()
    {
        var text = new Checkpoint("auditportal.example/log", 42, Root).ToNoteText();

        Assert.Equal($"auditportal.example/log\n42\n{Convert.ToBase64String(Root)}\n", text);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(1_000_003L)]
    [InlineData(long.MaxValue)]
    public void CheckpointRoundTripsThroughItsNoteText(long size)
    {
        var checkpoint = new Checkpoint("auditportal.example/log", size, Root);

        var parsed = Checkpoint.ParseNoteText(checkpoint.ToNoteText());

        Assert.Equal(checkpoint.Origin, parsed.Origin);
        Assert.Equal(checkpoint.TreeSize, parsed.TreeSize);
        Assert.Equal(checkpoint.RootHash, parsed.RootHash);
    }

    [Fact]
    public void ASignedCheckpointVerifiesAndParsesBack()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(GoSignerKey);
        var checkpoint = new Checkpoint("auditportal.example/log", 7, Root);

        var note = SignedNote.Parse(SignedNote.Sign(checkpoint.ToNoteText(), signer));

        Assert.True(note.IsSignedBy(NoteVerifier.Parse(GoVerifierKey)));
        var parsed = Checkpoint.ParseNoteText(note.Text);
        Assert.Equal(7, parsed.TreeSize);
        Assert.Equal(Root, parsed.RootHash);
    }

    [Fact]
    public void CheckpointExtensionLinesAfterTheRootAreTolerated()
    {
        var parsed = Checkpoint.ParseNoteText($"origin\n3\n{Convert.ToBase64String(Root)}\nextension line\n");

        Assert.Equal(3, parsed.TreeSize);
    }

    [Theory]
    [InlineData("01")]
    [InlineData("00")]
    [InlineData("007")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public void CheckpointSizesThatAreNotPlainDecimalsAreRejected(string size)
    {
        Assert.Throws<FormatException>(() => Checkpoint.ParseNoteText($"origin\n{size}\n{Convert.ToBase64String(Root)}\n"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void CheckpointRootsThatAreNot32BytesAreRejected(int length)
    {
        var text = $"origin\n1\n{Convert.ToBase64String(new byte[length])}\n";

        Assert.Throws<FormatException>(() => Checkpoint.ParseNoteText(text));
    }

    [Fact]
    public void CheckpointRootThatIsNotBase64IsRejected()
    {
        Assert.Throws<FormatException>(() => Checkpoint.ParseNoteText("origin\n1\nnot*base64\n"));
    }

    [Theory]
    [InlineData("origin\n1\n")]
    [InlineData("origin\n1")]
    public void CheckpointWithMissingLinesIsRejected(string text)
    {
        Assert.Throws<FormatException>(() => Checkpoint.ParseNoteText(text));
    }

    [Fact]
    public void CheckpointWithoutTheFinalNewlineIsRejected()
    {
        Assert.Throws<FormatException>(() => Checkpoint.ParseNoteText($"origin\n1\n{Convert.ToBase64String(Root)}"));
    }
}
