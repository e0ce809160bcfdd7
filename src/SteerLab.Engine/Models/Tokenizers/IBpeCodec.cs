namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>The two BPE flavours behind the BPE tokenizers: <see cref="ByteLevelBpe"/> and <see cref="MetaspaceBpe"/>.</summary>
interface IBpeCodec
{
    /// <summary>The id of a token written as text (an added token or a vocabulary entry); null if absent.</summary>
    int? IdOf(string token);
    List<int> Encode(string text);
    string Decode(IEnumerable<int> ids);
}
