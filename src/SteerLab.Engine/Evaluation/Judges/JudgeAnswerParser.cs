using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>Reads a judge's reply strictly (DESIGN §6: "parsed strictly (JSON or a number); an unparseable answer is
/// recorded as such, never as 0"). Two forms are accepted, with surrounding whitespace ignored:
/// <list type="bullet">
/// <item>a bare decimal number: optional minus, digits, optionally a point and digits (<c>7</c>, <c>7.5</c>, <c>-1</c>);</item>
/// <item>a JSON object with exactly one <c>"score"</c> property whose value is a JSON number (<c>{"score": 7}</c>);
/// other properties (a judge's <c>"reasoning"</c>) are allowed and ignored.</item>
/// </list>
/// Everything else is <see cref="JudgementStatus.Unparseable"/>: extra words ("Score: 7", "7/10", "7 out of 10"),
/// markdown (<c>**7**</c>, code fences), a score written as a string (<c>{"score": "7"}</c>), fractions, exponents in a
/// bare number, several numbers. A number that parses but lies outside [0, 10] is
/// <see cref="JudgementStatus.OutOfRange"/>. The parser never guesses: an answer it rejects is shown to the user with
/// its raw text, so a judge prompt that needs fixing is visible.</summary>
public static class JudgeAnswerParser
{
    /// <summary>Longer replies are not a score and are not parsed (bounds the work on untrusted text).</summary>
    public const int MaxLength = 4096;

    static readonly Regex BareNumber = new(@"^-?[0-9]{1,6}(\.[0-9]{1,6})?$", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    static readonly JsonDocumentOptions Json = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 };
    const string Expected = "expected a bare number such as 7 or JSON such as {\"score\": 7}";

    public static Judgement Parse(string? reply, int promptTokens = 0, int completionTokens = 0)
    {
        string raw = reply ?? "";
        Judgement Reject(JudgementStatus status, string detail) => Judgement.NotScored(status, raw, detail, promptTokens, completionTokens);

        string text = raw.Trim();
        if (text.Length == 0) return Reject(JudgementStatus.Unparseable, "the judge's reply is empty; " + Expected);
        if (text.Length > MaxLength) return Reject(JudgementStatus.Unparseable, $"the reply has {text.Length} characters, more than a score ({MaxLength} at most); " + Expected);

        double score;
        if (BareNumber.IsMatch(text))
            score = double.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        else if (text[0] == '{')
        {
            if (!TryReadJsonScore(text, out score, out string? problem)) return Reject(JudgementStatus.Unparseable, problem!);
            if (double.IsInfinity(score)) return Reject(JudgementStatus.OutOfRange, $"the score is too large to represent; a score is in [{RubricScale.Min}, {RubricScale.Max}]");
        }
        else return Reject(JudgementStatus.Unparseable, Expected);

        if (!RubricScale.Contains(score))
            return Reject(JudgementStatus.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"the score {score} is outside [{RubricScale.Min}, {RubricScale.Max}]"));
        return Judgement.Scored(score, raw, promptTokens, completionTokens);
    }

    static bool TryReadJsonScore(string text, out double score, out string? problem)
    {
        score = 0;
        JsonDocument document;
        try { document = JsonDocument.Parse(text, Json); }
        catch (JsonException e)
        {
            problem = $"the reply starts like JSON but is not valid JSON ({e.Message}); " + Expected;
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { problem = "the JSON reply is not an object; " + Expected; return false; }
            JsonElement? found = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "score") continue;
                if (found is not null) { problem = "$.score appears more than once"; return false; }
                found = property.Value;
            }
            if (found is not { } value) { problem = "the JSON object has no \"score\" property; " + Expected; return false; }
            if (value.ValueKind != JsonValueKind.Number) { problem = $"$.score is a {value.ValueKind.ToString().ToLowerInvariant()}, not a number"; return false; }
            // TryGetDouble fails only for magnitudes beyond double's range: out of range, not unparseable.
            score = value.TryGetDouble(out double d) ? d : double.PositiveInfinity;
            problem = null;
            return true;
        }
    }
}
