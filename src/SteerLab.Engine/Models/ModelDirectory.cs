namespace SteerLab.Engine.Models;

/// <summary>Finds the folder that holds config.json: the folder itself, or for a Hugging Face cache entry
/// (<c>models--org--name</c>) the snapshot named by <c>refs/main</c> (else the only snapshot).</summary>
public static class ModelDirectory
{
    public static string Resolve(string directory)
    {
        if (!Directory.Exists(directory)) throw new ModelConfigException($"{directory}: model folder not found");
        if (File.Exists(Path.Combine(directory, "config.json"))) return directory;
        string snapshots = Path.Combine(directory, "snapshots");
        if (Directory.Exists(snapshots))
        {
            string refFile = Path.Combine(directory, "refs", "main");
            if (File.Exists(refFile))
            {
                string revision = File.ReadAllText(refFile).Trim();
                string snapshot = Path.Combine(snapshots, revision);
                if (revision.Length > 0 && revision == Path.GetFileName(revision) && File.Exists(Path.Combine(snapshot, "config.json"))) return snapshot;
            }
            var candidates = Directory.GetDirectories(snapshots).Where(d => File.Exists(Path.Combine(d, "config.json"))).ToList();
            if (candidates.Count == 1) return candidates[0];
            if (candidates.Count > 1) throw new ModelConfigException($"{directory}: several snapshots and no refs/main to choose one");
        }
        throw new ModelConfigException($"{directory}: no config.json (nor a Hugging Face cache snapshot holding one)");
    }
}
