namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>One token where a feature fired, with the tokens around it.</summary>
/// <param name="TextIndex">Which corpus text.</param>
/// <param name="Position">The token's position in that text's ids (BOS included).</param>
/// <param name="Activation">The feature's activation at the token.</param>
/// <param name="WindowIds">Token ids from a few before to a few after the token.</param>
/// <param name="MarkedOffset">The token's index in <paramref name="WindowIds"/>.</param>
/// <param name="PrecedingId">The id just before the window (null at the start of the text): decoding depends on it
/// (whether a piece's leading space shows).</param>
public sealed record ActivatingContext(int TextIndex, int Position, float Activation, int[] WindowIds, int MarkedOffset, int? PrecedingId);
