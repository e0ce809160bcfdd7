namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Checks raw rows against the dataset's layout and turns the good ones into pairs, reporting every
/// problem of every row. Rules: the layout's three fields are present and strings (other fields are ignored); all
/// rows use one layout; A/B rows have a non-blank question and two different answer labels "(A)"…"(Z)"; completion
/// rows have two different non-blank completions (the prompt may be empty); no row repeats an earlier one exactly
/// (a duplicate would silently weigh twice in the means).</summary>
internal static class PairRowValidator
{
    public static List<ContrastivePair> Validate(IReadOnlyList<RawRow> rows, IReadOnlyList<PairSchema> schemas, PairSchema? schema, List<DatasetError> errors)
    {
        var pairs = new List<ContrastivePair>();
        schema ??= rows.Select(r => PairSchema.BestFit(r.Fields.Keys.ToList(), schemas)).FirstOrDefault(s => s is not null);
        if (schema is null)
        {
            if (rows.Count > 0)
                errors.Add(new DatasetError(rows[0].Line, rows[0].Index, null, $"no row has the fields of {PairSchema.Describe(schemas)}"));
            else if (errors.Count == 0)
                errors.Add(new DatasetError(null, null, null, "the dataset holds no pairs"));
            return pairs;
        }
        var seen = new Dictionary<(string, string, string), RawRow>();
        foreach (var row in rows)
        {
            int before = errors.Count;
            var names = row.Fields.Keys.ToList();
            var fits = PairSchema.BestFit(names, schemas);
            if (fits is not null && fits != schema && fits.Score(names) > schema.Score(names))
            {
                errors.Add(Error(row, null, $"has the fields of {fits}, but this dataset uses {schema}"));
                continue;
            }
            foreach (string name in schema.Fields)
            {
                if (!row.Fields.TryGetValue(name, out var field)) errors.Add(Error(row, name, "missing"));
                else if (field.Text is null) errors.Add(Error(row, name, $"must be a string, found {field.Kind}"));
            }
            if (errors.Count > before) continue;

            var pair = new ContrastivePair(schema.Kind, row.Fields[schema.Prompt].Text!, row.Fields[schema.Positive].Text!, row.Fields[schema.Negative].Text!);
            if (schema.Kind == PairKind.AnswerChoice) CheckAnswerChoice(row, schema, pair, errors);
            else CheckCompletion(row, schema, pair, errors);
            if (errors.Count > before) continue;

            if (seen.TryGetValue((pair.Prompt, pair.Positive, pair.Negative), out var first))
            {
                errors.Add(Error(row, null, $"repeats the pair at {Where(first)}"));
                continue;
            }
            seen[(pair.Prompt, pair.Positive, pair.Negative)] = row;
            pairs.Add(pair);
        }
        if (errors.Count == 0 && pairs.Count == 0) errors.Add(new DatasetError(null, null, null, "the dataset holds no pairs"));
        return pairs;
    }

    static void CheckAnswerChoice(RawRow row, PairSchema schema, ContrastivePair pair, List<DatasetError> errors)
    {
        if (string.IsNullOrWhiteSpace(pair.Prompt)) errors.Add(Error(row, schema.Prompt, "the question is empty"));
        foreach (var (name, answer) in new[] { (schema.Positive, pair.Positive), (schema.Negative, pair.Negative) })
            if (!AnswerLabel.IsValid(answer))
                errors.Add(Error(row, name, $"{Quote(answer)} is not an answer label like \"(A)\" (pairs of free-text completions use the columns prompt, positive, negative)"));
        if (pair.Positive == pair.Negative) errors.Add(Error(row, schema.Negative, $"is the same answer as {schema.Positive}"));
    }

    static void CheckCompletion(RawRow row, PairSchema schema, ContrastivePair pair, List<DatasetError> errors)
    {
        if (string.IsNullOrWhiteSpace(pair.Positive)) errors.Add(Error(row, schema.Positive, "the completion is empty"));
        if (string.IsNullOrWhiteSpace(pair.Negative)) errors.Add(Error(row, schema.Negative, "the completion is empty"));
        else if (pair.Positive == pair.Negative) errors.Add(Error(row, schema.Negative, $"is the same text as {schema.Positive}"));
    }

    static DatasetError Error(RawRow row, string? field, string reason) => new(row.Line, row.Index, field, reason);

    static string Where(RawRow row) => row.Line is int line ? $"line {line}" : $"item {row.Index}";

    static string Quote(string text) => text.Length <= 40 ? $"\"{text}\"" : $"\"{text[..37]}…\"";
}
