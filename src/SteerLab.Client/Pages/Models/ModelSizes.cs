using System.Globalization;

namespace SteerLab.Client.Pages.Models;

/// <summary>How the Models page writes sizes and times.</summary>
public static class ModelSizes
{
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        >= 1L << 30 => (bytes.Value / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes.Value / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes.Value / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
    };

    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "—";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
