// The Groups and Catalog pages' own strings, in Spanish.
import { plurals } from '../../i18n/format.ts';
import type { GroupStrings } from './en.ts';

const plural = plurals('es');

export const es: GroupStrings = {
  groupsIntro:
    'Grupos privados de personas que conoces. Cada miembro ve en el Catálogo lo que los demás publican en el grupo; nada llega más lejos a menos que un miembro lo publique en otro sitio.',
  newGroup: 'Nuevo grupo',
  groupName: 'Nombre del grupo',
  inviteEmails: 'Correos a invitar (opcional)',
  createGroup: 'Crear grupo',
  invitations: 'Invitaciones',
  invitationFrom: '{owner} te invita a {name}',
  accept: 'Aceptar',
  decline: 'Rechazar',
  yourGroups: 'Tus grupos',
  noGroups:
    'Aún no estás en ningún grupo. Crea uno arriba e invita a personas por el correo con el que se registraron, o espera a que alguien te invite.',
  ownerIs: 'Propietario: {owner}',
  roleIs: 'Tu papel: {role}',
  role_owner: 'propietario',
  role_member: 'miembro',
  role_invited: 'invitado',
  memberCount: plural({ one: '{n} miembro', other: '{n} miembros' }),
  allGroups: 'Todos los grupos',
  members: 'Miembros',
  you: 'tú',
  state_invited: 'invitado',
  state_member: 'miembro',
  state_declined: 'rechazó',
  state_left: 'se fue',
  keysNotVerified: 'claves sin verificar',
  keysUnverifiedNote:
    'Claves sin verificar: compara vuestro número de seguridad en Contactos, para saber que estas claves son suyas.',
  memberKeyChanged:
    'Las claves de {email} cambiaron desde que lo añadiste. Compara el nuevo número de seguridad en Contactos antes de fiarte de lo que publique.',
  servers: 'Servidores',
  noServer: 'ningún servidor personal',
  serversNote:
    'Los miembros solo ven de cada servidor personal su país y si está en línea: nunca su dirección ni sus claves.',
  invite: 'Invitar',
  inviteEmail: 'Su correo',
  invitedDone: '{email} está invitado.',
  removeMember: 'Quitar a {email}',
  removeTitle: '¿Quitar a {email} de {name}?',
  removeText:
    'Pierde el acceso en el acto: el grupo recibe una clave nueva, y nada de lo que se publique a partir de ahora se abrirá para esa persona. Sus propios archivos siguen siendo suyos.',
  leaveGroup: 'Salir del grupo',
  leaveTitle: '¿Salir de {name}?',
  leaveText:
    'Tu estante sale del catálogo; tus archivos se quedan donde están. Para volver necesitarás una nueva invitación.',
  leave: 'Salir',
  deleteGroup: 'Eliminar grupo',
  deleteTitle: '¿Eliminar {name} para todos?',
  deleteText:
    'El grupo, sus miembros y todos sus estantes desaparecen para todos en el acto. Los archivos se quedan con quienes los publicaron.',
  delete: 'Eliminar',
  searchCatalog: 'Buscar por nombre o etiqueta',
  filterGroup: 'Grupo',
  filterMember: 'Miembro',
  filterKind: 'Tipo',
  everyone: 'Todos',
  allKinds: 'Todos los tipos',
  kind_video: 'Vídeo',
  kind_audio: 'Audio',
  kind_image: 'Imagen',
  kind_document: 'Documento',
  kind_other: 'Otro',
  sort_date: 'Más recientes primero',
  sort_name: 'Nombre',
  sort_size: 'Más grandes primero',
  sort_rating: 'Mejor valorados primero',
  entryCount: plural({ one: '{n} elemento', other: '{n} elementos' }),
  entryCountOf: plural({ one: '{n} de {total} elemento', other: '{n} de {total} elementos' }),
  showMore: 'Mostrar más',
  clearFilters: 'Quitar filtros',
  catalogNoGroups:
    'El catálogo muestra lo que publican las personas de tus grupos. Aún no estás en ningún grupo: crea uno, o acepta una invitación, en Grupos.',
  catalogEmpty:
    'Aún no hay nada publicado en tus grupos. Para publicar un archivo tuyo, selecciónalo en Archivos y elige «Publicar en un grupo…».',
  catalogNoMatch: 'Nada coincide. Prueba otras palabras o quita los filtros.',
  catalogBroken: plural({
    one: '{n} elemento está firmado por su autor pero no se abre; se deja fuera.',
    other: '{n} elementos están firmados por sus autores pero no se abren; se dejan fuera.',
  }),
  byIn: 'de {author}, en {group}',
  tags: 'Etiquetas',
  withdraw: 'Retirar',
  withdrawEntry: 'Retirar {name}',
  withdrawn: '{name} se ha retirado de {group}.',
  publishTitle: plural({
    one: 'Publicar {n} archivo en un grupo',
    other: 'Publicar {n} archivos en un grupo',
  }),
  publishHint:
    'Los archivos se quedan donde están. Los miembros del grupo ven en su catálogo el nombre, el tamaño, el tipo, las etiquetas y la nota de cada uno.',
  publishTags: 'Etiquetas (separadas por comas)',
  publishNote: 'Nota (opcional)',
  publish: 'Publicar',
  publishNoGroups: 'Aún no estás en ningún grupo. Crea uno primero en Grupos.',
  published: plural({
    one: '{n} archivo publicado en {group}.',
    other: '{n} archivos publicados en {group}.',
  }),
  done: 'Listo',
  // La página Novedades, las copias y las valoraciones.
  feedHint:
    'Lo que publican las personas de tus grupos, de lo más reciente a lo más antiguo. Guarda en tu servidor lo que quieras, descarta lo demás y valóralo para los demás.',
  feedNoGroups:
    'Tus novedades muestran lo que publican las personas de tus grupos. Aún no estás en ningún grupo: crea uno, o acepta una invitación, en Grupos.',
  feedEmpty:
    'Aún no hay nada en tus novedades. Cuando alguien de tus grupos publique un archivo, aparecerá aquí, marcado como nuevo, hasta que lo marques como visto.',
  unreadCount: plural({ one: '{n} nuevo', other: '{n} nuevos' }),
  allSeen: 'Nada nuevo desde la última vez que miraste.',
  markAllSeen: 'Marcar todo como visto',
  isNew: 'Nuevo',
  keep: 'Guardar',
  keepEntry: 'Guardar {name} (copiarlo a mi servidor)',
  onYourServer: 'En tu servidor (réplica)',
  kept: 'Guardado',
  keptAt: 'Guardado, copiado en {path}.',
  discard: 'Descartar',
  discardEntry: 'Descartar {name}',
  discarded: '{name} está descartado: ya no aparece en tus novedades.',
  copyToServer: 'Copiar a mi servidor',
  copyEntry: 'Copiar {name} a mi servidor',
  copyingEntry: 'Copiando {name}',
  copyOf: '{done} de {total}',
  copiedTo: 'Copiado en {path}.',
  yourRating: 'Tu valoración de {name}',
  stars: plural({ one: '{n} estrella', other: '{n} estrellas' }),
  ratingSummary: plural({
    one: '{average} de {n} valoración',
    other: '{average} de {n} valoraciones',
  }),
  notRated: 'Sin valoraciones aún',
  youRated: plural({ one: 'le diste {n} estrella', other: 'le diste {n} estrellas' }),
  // Espejo automático, en la página de un grupo.
  mirrorTitle: 'Copiar los archivos nuevos a mi servidor',
  mirrorIntro:
    'Los archivos que se publiquen en este grupo a partir de ahora se copian a tu servidor personal en cuanto aparecen. Cuando el presupuesto se llena, las copias más antiguas que no guardaste dejan sitio a las nuevas.',
  mirrorBudget: 'Presupuesto',
  mirrorBudgetBad: 'Escribe un tamaño como 200 GiB, 500 MB o 2 TB.',
  mirrorNeedsServer:
    'La copia automática copia los archivos a un servidor personal tuyo, y aún no tienes ninguno. Inicia uno con «coffer host --personal» y reclámalo con «coffer host claim».',
  mirrorMember: 'Archivos de',
  mirrorSave: 'Guardar',
  mirrorUsed: '{used} usados de {budget}',
  mirrorCount: plural({ one: '{n} elemento copiado', other: '{n} elementos copiados' }),
  mirrorOnDone: 'Los archivos nuevos de {name} se copian a tu servidor.',
  mirrorSaved: 'La copia de {name} está actualizada.',
  mirrorOffTitle: '¿Dejar de copiar {name}?',
  mirrorOffText:
    'Los elementos copiados que no guardaste se eliminan de tu servidor. Los archivos que copiaste a tus propias carpetas se quedan.',
  mirrorOff: 'Dejar de copiar',
  mirrorOffDone: 'Los archivos nuevos de {name} ya no se copian.',
};
