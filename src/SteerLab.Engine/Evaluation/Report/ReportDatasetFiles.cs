using System.Text;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Datasets that came with a report job, written as <c>{name}.json</c> into a folder of their own: the report
/// reads its contrasts from files and names each after its file (a dataset named like a demo contrast is then judged by
/// the demo's classifier).</summary>
public static class ReportDatasetFiles
{
    /// <summary>The dataset's file name without extension: its name with every character but letters, digits, spaces and
    /// <c>-_()+</c> replaced by '_', so it is a file name on every system (and no dot cuts it short).</summary>
    public static string FileName(string name)
    {
        var cleaned = new StringBuilder(name.Trim().Length);
        foreach (char c in name.Trim()) cleaned.Append(char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '(' or ')' or '+' ? c : '_');
        return cleaned.Length == 0 ? "dataset" : cleaned.ToString();
    }

    /// <summary>Writes each dataset's pairs to <paramref name="folder"/> and returns the paths, in order.</summary>
    public static IReadOnlyList<string> Write(IEnumerable<ReportDatasetParameters> datasets, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var dataset in datasets)
        {
            string path = Path.Combine(folder, FileName(dataset.Name) + ".json");
            if (paths.Contains(path)) throw new ArgumentException($"two datasets are named '{FileName(dataset.Name)}'; the report names its contrasts after them");
            File.WriteAllText(path, dataset.PairsJson, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            paths.Add(path);
        }
        return paths;
    }
}
