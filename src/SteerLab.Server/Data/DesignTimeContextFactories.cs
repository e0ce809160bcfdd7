using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SteerLab.Server.Data;

/// <summary>Used only by <c>dotnet ef migrations add</c> (see Data/Migrations/README.md); the running server builds
/// its contexts in <see cref="DatabaseSetup"/>.</summary>
sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSteerLabDbContext>
{
    public SqliteSteerLabDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSteerLabDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSteerLabDbContext>
{
    public PostgresSteerLabDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSteerLabDbContext>().UseNpgsql("Host=localhost;Database=steerlab_design_time").Options);
}
