namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Turns a CSV file whose header names one of the accepted layouts into <see cref="RawRow"/>s. Column
/// names are matched case-insensitively after trimming; other columns are carried along and ignored later.</summary>
internal static class CsvDatasetRows
{
    public static (List<RawRow> Rows, PairSchema? Schema) Read(string text, IReadOnlyList<PairSchema> schemas, DatasetLimits limits, List<DatasetError> errors)
    {
        var rows = new List<RawRow>();
        using var records = Rfc4180Reader.Read(text).GetEnumerator();
        if (!records.MoveNext())
        {
            errors.Add(new DatasetError(null, null, null, "the file is empty (a header row is needed)"));
            return (rows, null);
        }
        var header = records.Current;
        if (header.Problem is not null)
        {
            errors.Add(new DatasetError(header.Line, null, null, $"header: {header.Problem}"));
            return (rows, null);
        }
        var names = header.Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var repeated = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            errors.Add(new DatasetError(header.Line, null, null, $"header: column(s) {string.Join(", ", repeated.Select(r => $"'{r}'"))} appear more than once"));
            return (rows, null);
        }
        var schema = PairSchema.BestFit(names, schemas);
        if (schema is null || schema.Score(names) < schema.Fields.Count)
        {
            errors.Add(new DatasetError(header.Line, null, null,
                $"header must name the columns {PairSchema.Describe(schemas)}; found {string.Join(", ", names.Select(n => $"'{n}'"))}"));
            return (rows, null);
        }

        int index = 0;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (index >= limits.MaxRows)
            {
                errors.Add(new DatasetError(record.Line, index, null, $"more than {limits.MaxRows} rows (the limit)"));
                break;
            }
            if (record.Problem is not null)
                errors.Add(new DatasetError(record.Line, index, null, record.Problem));
            else if (record.Fields.Count != names.Count)
                errors.Add(new DatasetError(record.Line, index, null, $"has {record.Fields.Count} fields, the header has {names.Count}"));
            else
                rows.Add(new RawRow(record.Line, index, names.Zip(record.Fields).ToDictionary(p => p.First, p => RawField.String(p.Second))));
            index++;
        }
        return (rows, schema);
    }
}
