using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SteerLab.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class VectorShares : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "VectorShares",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    VectorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LinkTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VectorShares", x => x.Id);
                    table.CheckConstraint("CK_VectorShares_TeamOrLink", "(\"TeamId\" IS NULL) <> (\"LinkTokenHash\" IS NULL)");
                    table.ForeignKey(
                        name: "FK_VectorShares_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_VectorShares_Vectors_VectorId",
                        column: x => x.VectorId,
                        principalTable: "Vectors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VectorShares_LinkTokenHash",
                table: "VectorShares",
                column: "LinkTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VectorShares_TeamId_VectorId",
                table: "VectorShares",
                columns: new[] { "TeamId", "VectorId" });

            migrationBuilder.CreateIndex(
                name: "IX_VectorShares_VectorId",
                table: "VectorShares",
                column: "VectorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VectorShares");
        }
    }
}
