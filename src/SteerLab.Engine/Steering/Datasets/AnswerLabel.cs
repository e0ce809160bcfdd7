using System.Diagnostics.CodeAnalysis;

namespace SteerLab.Engine.Steering.Datasets;

/// <summary>The answer labels of A/B datasets: one capital letter in parentheses, "(A)" … "(Z)", exactly as CAA
/// writes them (survival-instinct uses letters up to "(H)").</summary>
public static class AnswerLabel
{
    public static bool IsValid([NotNullWhen(true)] string? label) =>
        label is { Length: 3 } && label[0] == '(' && label[1] is >= 'A' and <= 'Z' && label[2] == ')';

    /// <summary>The letter of a valid label ("(B)" → 'B').</summary>
    public static char Letter(string label) =>
        IsValid(label) ? label[1] : throw new ArgumentException($"'{label}' is not an answer label like \"(A)\"", nameof(label));

    /// <summary>The text before the letter ("(") — an A/B prompt ends with it so that the next token is the letter.</summary>
    public static string Opening(string label) =>
        IsValid(label) ? label[..1] : throw new ArgumentException($"'{label}' is not an answer label like \"(A)\"", nameof(label));
}
