using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SteerLab.Server.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Model = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    SettingsJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChatPresets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FeatureLabels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SaeId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    FeatureIndex = table.Column<int>(type: "integer", nullable: false),
                    Label = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
