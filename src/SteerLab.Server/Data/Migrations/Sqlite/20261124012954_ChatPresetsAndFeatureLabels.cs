using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SteerLab.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChatPresetsAndFeatureLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChatPresets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    SettingsJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChatPresets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FeatureLabels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SaeId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    FeatureIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeatureLabels", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ChatPresets_Name",
                table: "ChatPresets",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_FeatureLabels_SaeId_FeatureIndex",
                table: "FeatureLabels",
                columns: new[] { "SaeId", "FeatureIndex" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChatPresets");

            migrationBuilder.DropTable(
                name: "FeatureLabels");
        }
    }
}
